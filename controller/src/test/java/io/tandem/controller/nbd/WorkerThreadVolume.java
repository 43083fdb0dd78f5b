package io.tandem.controller.nbd;

import java.nio.ByteBuffer;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * An in-memory volume that does every request on a pool of worker threads and completes it from there, so
 * completions arrive from other threads and out of order, as the primary's write path will deliver them.
 */
final class WorkerThreadVolume implements BlockVolume
{
    private final InMemoryBlockVolume memory;
    private final ExecutorService workers;

    WorkerThreadVolume(final long size, final int threads)
    {
        memory = new InMemoryBlockVolume(size);
        workers = Executors.newFixedThreadPool(threads, runnable ->
        {
            final Thread thread = new Thread(runnable, "volume-worker");
            thread.setDaemon(true);
            return thread;
        });
    }

    InMemoryBlockVolume memory()
    {
        return memory;
    }

    public long size()
    {
        return memory.size();
    }

    public void submitRead(final long token, final long offset, final ByteBuffer dst, final IoCompletion completion)
    {
        workers.execute(() -> memory.submitRead(token, offset, dst, completion));
    }

    public void submitWrite(
        final long token, final long offset, final ByteBuffer src, final boolean fua, final IoCompletion completion)
    {
        workers.execute(() -> memory.submitWrite(token, offset, src, fua, completion));
    }

    public void submitFlush(final long token, final IoCompletion completion)
    {
        workers.execute(() -> memory.submitFlush(token, completion));
    }

    public void submitTrim(
        final long token, final long offset, final long length, final boolean fua, final IoCompletion completion)
    {
        workers.execute(() -> memory.submitTrim(token, offset, length, fua, completion));
    }

    public void submitWriteZeroes(final long token, final long offset, final long length, final boolean fua,
        final boolean noHole, final IoCompletion completion)
    {
        workers.execute(() -> memory.submitWriteZeroes(token, offset, length, fua, noHole, completion));
    }

    public void close()
    {
        workers.shutdownNow();
        try
        {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        memory.close();
    }
}
