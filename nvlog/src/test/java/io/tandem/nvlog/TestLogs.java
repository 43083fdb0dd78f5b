package io.tandem.nvlog;

import io.tandem.staging.NvramContext;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Small logs and self-checking payloads for the NVLog tests: the payload of the record with LSN {@code n} is a
 * pattern of {@code n}, never containing a zero byte, so any record read back can be checked on its own.
 */
final class TestLogs
{
    static final int SMALL_CAPACITY = 16 * 1024;
    static final int SMALL_MAX_PAYLOAD = 1024;

    private TestLogs()
    {
    }

    /**
     * A log of two 6 KiB halves with 512-byte blocks, stepped by the caller (no flusher thread).
     */
    static NvLogContext small(final Path file)
    {
        return new NvLogContext()
            .maxPayloadLength(SMALL_MAX_PAYLOAD)
            .nvram(new NvramContext().file(file).capacity(SMALL_CAPACITY).blockSize(512).regionSize(4096)
                .useAgentInvoker(true));
    }

    static void fillPayload(final UnsafeBuffer buffer, final long lsn, final int length)
    {
        for (int i = 0; i < length; i++)
        {
            buffer.putByte(i, payloadByte(lsn, i));
        }
    }

    static byte payloadByte(final long lsn, final int i)
    {
        return (byte)(1 + (lsn * 31 + i) % 255);
    }

    static int payloadLength(final long lsn, final int max)
    {
        return 1 + (int)((lsn * 7919) % max);
    }

    /**
     * @return the record's payload is the pattern of its LSN.
     */
    static boolean payloadMatches(final LogRecord record)
    {
        final int length = record.payloadLength();
        for (int i = 0; i < length; i++)
        {
            if (record.buffer().getByte(record.payloadOffset() + i) != payloadByte(record.lsn(), i))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * Appends the write record with LSN {@code lsn} on stream {@code lsn % streams}.
     */
    static long append(final NvLog log, final UnsafeBuffer payload, final long lsn, final int maxPayload)
    {
        final int length = payloadLength(lsn, maxPayload);
        fillPayload(payload, lsn, length);
        final int streams = log.partitioner().streamCount();
        return log.appendWrite((int)(lsn % streams), lsn / streams + 1, lsn, 1, 0, lsn * 4096, payload, 0, length);
    }

    /**
     * @return the LSNs of every record the log visits, in visiting order, checking each payload.
     */
    static List<Long> lsns(final NvLog log)
    {
        final List<Long> lsns = new ArrayList<>();
        log.forEach(record ->
        {
            if (!payloadMatches(record))
            {
                throw new AssertionError("visited a record whose payload is wrong: " + record);
            }
            lsns.add(record.lsn());
        });
        return lsns;
    }
}
