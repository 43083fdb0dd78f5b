package io.tandem.controller.pool;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * Flyweight over a controller's mailbox on the pool: its heartbeat, so the partner can tell a dead controller
 * from a broken interconnect, and its process id, so a takeover can stop a hung controller for good.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                 magic "TNDMMAIL" (8 bytes)                    |  0
 *  +---------------------------------------------------------------+
 *  |                         controller id                         |  8
 *  +---------------------------------------------------------------+
 *  |                  role (see {@link #role()})                   | 12
 *  +---------------------------------------------------------------+
 *  |                  process id (int64)                           | 16
 *  +---------------------------------------------------------------+
 *  |                  epoch the controller runs in (int64)         | 24
 *  +---------------------------------------------------------------+
 *  |                  heartbeat, epoch ms (int64)                  | 32
 *  +---------------------------------------------------------------+
 *  |                  heartbeat count (int64)                      | 40
 *  +---------------------------------------------------------------+
 *  |      run id (int64): random, new in every controller process  | 48
 *  +---------------------------------------------------------------+
 *  |      process start, epoch ms (int64), as the OS reports it    | 56
 *  +---------------------------------------------------------------+
 *  |      mirror generation its NVLog holds complete (int64)       | 64
 *  +---------------------------------------------------------------+
 *  |      pid namespace inode (int64), -1 if unknown               | 72
 *  +---------------------------------------------------------------+
 *  |                  CRC32C of bytes 0 to 79                      | 80
 *  +---------------------------------------------------------------+
 * </pre>
 * Little-endian. The process id, start time and run id together name one run of one controller process
 * ({@link RunIdentity}): a takeover kills the partner only if the process it finds is that run, and a primary
 * resyncs a partner whose run id changed (a restarted partner did not receive what was mirrored meanwhile).
 * <p>
 * Not thread-safe.
 */
public final class Mailbox
{
    public static final long MAGIC = 0x4C49414D4D444E54L; // "TNDMMAIL" read little-endian

    static final int MAGIC_OFFSET = 0;
    static final int CONTROLLER_ID_OFFSET = 8;
    static final int ROLE_OFFSET = 12;
    static final int PID_OFFSET = 16;
    static final int EPOCH_OFFSET = 24;
    static final int HEARTBEAT_MS_OFFSET = 32;
    static final int HEARTBEAT_COUNT_OFFSET = 40;
    static final int RUN_ID_OFFSET = 48;
    static final int PROCESS_START_MS_OFFSET = 56;
    static final int HELD_GENERATION_OFFSET = 64;
    static final int PID_NAMESPACE_OFFSET = 72;
    static final int CRC_OFFSET = 80;
    public static final int LENGTH = 84;

    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private final CRC32C crc = new CRC32C();
    private DirectBuffer buffer;

    public Mailbox wrap(final DirectBuffer buffer)
    {
        this.buffer = buffer;
        return this;
    }

    public Mailbox fill(
        final int controllerId,
        final int role,
        final RunIdentity run,
        final long epoch,
        final long heldGeneration,
        final long heartbeatMs,
        final long heartbeatCount)
    {
        final MutableDirectBuffer out = (MutableDirectBuffer)buffer;
        out.putLong(MAGIC_OFFSET, MAGIC, ORDER);
        out.putInt(CONTROLLER_ID_OFFSET, controllerId, ORDER);
        out.putInt(ROLE_OFFSET, role, ORDER);
        out.putLong(PID_OFFSET, run.pid(), ORDER);
        out.putLong(RUN_ID_OFFSET, run.runId(), ORDER);
        out.putLong(PROCESS_START_MS_OFFSET, run.startMs(), ORDER);
        out.putLong(HELD_GENERATION_OFFSET, heldGeneration, ORDER);
        out.putLong(PID_NAMESPACE_OFFSET, run.pidNamespace(), ORDER);
        out.putLong(EPOCH_OFFSET, epoch, ORDER);
        out.putLong(HEARTBEAT_MS_OFFSET, heartbeatMs, ORDER);
        out.putLong(HEARTBEAT_COUNT_OFFSET, heartbeatCount, ORDER);
        out.putInt(CRC_OFFSET, computeCrc(), ORDER);
        return this;
    }

    public boolean isValid()
    {
        return MAGIC == buffer.getLong(MAGIC_OFFSET, ORDER) && buffer.getInt(CRC_OFFSET, ORDER) == computeCrc();
    }

    public int controllerId()
    {
        return buffer.getInt(CONTROLLER_ID_OFFSET, ORDER);
    }

    /**
     * @return the role the controller reported, a {@code ROLE_*} value of {@link MailboxFile}.
     */
    public int role()
    {
        return buffer.getInt(ROLE_OFFSET, ORDER);
    }

    public long pid()
    {
        return buffer.getLong(PID_OFFSET, ORDER);
    }

    public long epoch()
    {
        return buffer.getLong(EPOCH_OFFSET, ORDER);
    }

    public long heartbeatMs()
    {
        return buffer.getLong(HEARTBEAT_MS_OFFSET, ORDER);
    }

    public long runId()
    {
        return buffer.getLong(RUN_ID_OFFSET, ORDER);
    }

    /**
     * @return when the controller's process started, epoch ms as the OS reports it (-1 if it did not say).
     */
    public long processStartMs()
    {
        return buffer.getLong(PROCESS_START_MS_OFFSET, ORDER);
    }

    /**
     * @return the mirror generation the controller's NVLog holds complete, 0 for none.
     */
    public long heldGeneration()
    {
        return buffer.getLong(HELD_GENERATION_OFFSET, ORDER);
    }

    /**
     * @return the run this mailbox names.
     */
    public RunIdentity run()
    {
        return new RunIdentity(pid(), processStartMs(), runId(), buffer.getLong(PID_NAMESPACE_OFFSET, ORDER));
    }

    public long heartbeatCount()
    {
        return buffer.getLong(HEARTBEAT_COUNT_OFFSET, ORDER);
    }

    private int computeCrc()
    {
        crc.reset();
        for (int i = 0; i < CRC_OFFSET; i++)
        {
            crc.update(buffer.getByte(i));
        }
        return (int)crc.getValue();
    }
}
