package io.tandem.staging;

import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * Makes queued writes durable, in arrival order, with group commit (conditions in {@link NvramContext}).
 * <p>
 * Each duty cycle it takes the writes published since the last commit, merges those whose blocks touch into
 * runs, writes each run from the staging area to the device file with positional writes that never cross a
 * region, forces the file once for the whole batch at {@link Durability#POWER}, and only then completes the
 * batch's tickets and tells the {@link CompletionHandler}. Over resident memory ({@link ResidentMemory}) the
 * bytes are durable once copied in, and it only completes the tickets, in the same order. Runs are written in the
 * order their first write arrived, so after kill -9 a later write is never on file without the earlier ones it
 * follows.
 * <p>
 * An I/O error stops the flusher for good: nothing after it completes, and the device reports the cause.
 * <p>
 * Not thread-safe: one thread runs it (its own, or the caller's through an invoker).
 */
final class NvramFlusher implements Agent
{
    private final PendingWrites pending;
    private final DeviceFile channel;
    private final ByteBuffer writeView;
    private final long fileOffset;
    private final long capacity;
    private final int blockMask;
    private final int regionSize;
    private final boolean force;
    private final int maxWrites;
    private final int maxBytes;
    private final long maxWaitNs;
    private final NanoClock clock;
    private final CompletionHandler handler;
    private final CompletionWaiters waiters;
    private final boolean writesBack;

    private long batchLast;
    private long batchBytes;
    private long batchStartNs;
    private volatile long writes;
    private volatile long bytes;
    private volatile long groupCommits;
    private volatile long forces;
    private volatile Throwable failure;

    NvramFlusher(
        final NvramContext ctx,
        final PendingWrites pending,
        final DeviceFile channel,
        final ByteBuffer staging,
        final long fileOffset,
        final CompletionWaiters waiters,
        final boolean writesBack)
    {
        this.waiters = waiters;
        this.writesBack = writesBack;
        this.pending = pending;
        this.channel = channel;
        this.writeView = staging.duplicate();
        this.fileOffset = fileOffset;
        this.capacity = ctx.capacity();
        this.blockMask = ~(ctx.blockSize() - 1);
        this.regionSize = ctx.regionSize();
        this.force = Durability.POWER == ctx.durability();
        this.maxWrites = ctx.groupCommitMaxWrites();
        this.maxBytes = ctx.groupCommitMaxBytes();
        this.maxWaitNs = ctx.groupCommitMaxWaitNs();
        this.clock = ctx.nanoClock();
        this.handler = ctx.completionHandler();
        this.batchLast = pending.completed();
    }

    public String roleName()
    {
        return "nvram-flusher";
    }

    public int doWork()
    {
        if (null != failure)
        {
            return 0;
        }

        final long first = pending.completed() + 1;
        final boolean wasEmpty = batchLast < first;
        long taken = 0;
        while (batchLast - first + 1 < maxWrites && batchBytes < maxBytes && pending.isPublished(batchLast + 1))
        {
            batchLast++;
            batchBytes += pending.length(batchLast);
            taken++;
        }
        if (batchLast < first)
        {
            return 0;
        }

        final long nowNs = clock.nanoTime();
        if (wasEmpty)
        {
            batchStartNs = nowNs;
        }
        final boolean full = batchLast - first + 1 >= maxWrites || batchBytes >= maxBytes;
        final boolean queueEmpty = !pending.isPublished(batchLast + 1);
        if (full || (queueEmpty && nowNs - batchStartNs >= maxWaitNs))
        {
            commit(first, batchLast);
            return (int)Math.min(Integer.MAX_VALUE, batchLast - first + 1);
        }
        return (int)taken;
    }

    private void commit(final long first, final long last)
    {
        try
        {
            if (writesBack)
            {
                writeBatch(first, last);
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            failure = ex;
            waiters.signalAll();
            return;
        }

        writes += last - first + 1;
        bytes += batchBytes;
        groupCommits++;
        batchBytes = 0;
        pending.complete(last);
        waiters.signal(first, last);
        if (null != handler)
        {
            handler.onComplete(last);
        }
    }

    private void writeBatch(final long first, final long last) throws IOException
    {
        long runStart = -1;
        long runEnd = -1;
        for (long ticket = first; ticket <= last; ticket++)
        {
            final long address = pending.address(ticket);
            final long start = address & blockMask;
            final long end = Math.min(capacity, (address + pending.length(ticket) + ~blockMask) & blockMask);
            if (runStart >= 0 && start >= runStart && start <= runEnd)
            {
                runEnd = Math.max(runEnd, end);
            }
            else
            {
                if (runStart >= 0)
                {
                    writeRun(runStart, runEnd);
                }
                runStart = start;
                runEnd = end;
            }
        }
        writeRun(runStart, runEnd);
        if (force)
        {
            channel.force();
            forces++;
        }
    }

    private void writeRun(final long start, final long end) throws IOException
    {
        long position = start;
        while (position < end)
        {
            final long regionEnd = Math.min(end, (position / regionSize + 1) * regionSize);
            writeView.limit((int)regionEnd).position((int)position);
            while (writeView.hasRemaining())
            {
                channel.write(writeView, fileOffset + writeView.position());
            }
            position = regionEnd;
        }
    }

    /**
     * @return a write is waiting to be taken, or a batch to be committed.
     */
    boolean hasWork()
    {
        return batchLast > pending.completed() || pending.isPublished(batchLast + 1);
    }

    /**
     * @return the error that stopped the flusher, or null while it runs.
     */
    Throwable failure()
    {
        return failure;
    }

    void failIfFailed()
    {
        final Throwable cause = failure;
        if (null != cause)
        {
            throw new UncheckedIOException("NVRAM flusher stopped by an I/O error: " + cause,
                cause instanceof IOException ? (IOException)cause : new IOException(cause));
        }
    }

    long writes()
    {
        return writes;
    }

    long bytes()
    {
        return bytes;
    }

    long groupCommits()
    {
        return groupCommits;
    }

    long forces()
    {
        return forces;
    }
}
