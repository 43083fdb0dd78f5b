package io.tandem.controller.platform;

import io.tandem.controller.pool.RunIdentity;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A controller process's claim on its controller directory, held for the life of the process: an exclusive lock
 * on {@code run.lock}, with the run's identity written in the file (run id, pid, start ms, pid namespace: four
 * longs; a file of an older version holds the run id alone). The kernel lets the lock go the moment the process
 * exits, however it exits (kill -9 too), and not before: a stopped process (SIGSTOP) keeps it. So a partner
 * waiting on the lock ({@link LockFileExitWatch}) learns of the exit at once and can never take a live process
 * for a dead one; and a second process started for the same controller is refused.
 * <p>
 * Nothing else in the process may open the file: closing any descriptor of it would drop the lock (POSIX).
 * <p>
 * Not thread-safe: taken once, at start.
 */
public final class RunLock implements AutoCloseable
{
    public static final String FILE_NAME = "run.lock";
    /** A partner's watch holds the lock for an instant when it finds it free: a start waits this long for it. */
    private static final long ACQUIRE_WAIT_MS = 2_000;
    private static final int IDENTITY_BYTES = 4 * Long.BYTES;

    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(final FileChannel channel, final FileLock lock)
    {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock of {@code controllerDir} for {@code run}.
     *
     * @throws IOException if another live process holds it: it runs this controller already.
     */
    public static RunLock hold(final Path controllerDir, final RunIdentity run) throws IOException
    {
        final FileChannel channel = FileChannel.open(controllerDir.resolve(FILE_NAME), StandardOpenOption.CREATE,
            StandardOpenOption.READ, StandardOpenOption.WRITE);
        try
        {
            final long deadlineMs = System.currentTimeMillis() + ACQUIRE_WAIT_MS;
            FileLock lock;
            while (null == (lock = channel.tryLock()))
            {
                if (System.currentTimeMillis() > deadlineMs)
                {
                    throw new IOException(controllerDir.resolve(FILE_NAME) + " is held by another live process: " +
                        "it runs this controller already");
                }
                Thread.sleep(5); // once, at start, off every I/O path
            }
            channel.write(ByteBuffer.allocate(IDENTITY_BYTES).putLong(0, run.runId()).putLong(8, run.pid())
                .putLong(16, run.startMs()).putLong(24, run.pidNamespace()), 0);
            return new RunLock(channel, lock);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            channel.close();
            throw new IOException("interrupted taking " + controllerDir.resolve(FILE_NAME), ex);
        }
        catch (final IOException | RuntimeException ex)
        {
            channel.close();
            throw ex;
        }
    }

    /**
     * @return the run the last holder of {@code channel}'s file wrote, null if none; a file holding a run id alone
     * gives a run of pid -1 (unknown).
     */
    static RunIdentity runIn(final FileChannel channel) throws IOException
    {
        final ByteBuffer id = ByteBuffer.allocate(IDENTITY_BYTES);
        final int read = channel.read(id, 0);
        if (read < Long.BYTES || 0 == id.getLong(0))
        {
            return null;
        }
        return read >= IDENTITY_BYTES ? new RunIdentity(id.getLong(8), id.getLong(16), id.getLong(0), id.getLong(24)) :
            new RunIdentity(-1, -1, id.getLong(0), -1);
    }

    /**
     * Lets the directory go: at a clean exit (the kernel does it at any other).
     */
    public void close() throws IOException
    {
        lock.release();
        channel.close();
    }
}
