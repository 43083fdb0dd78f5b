package io.tandem.primary.replay;

import io.tandem.controller.replay.Replay;
import io.tandem.controller.replay.ReplayTarget;
import io.tandem.nvlog.LogRecord;
import io.tandem.nvlog.NvLog;
import io.tandem.primary.cache.ConsistencyPoint;
import io.tandem.primary.cache.PageCache;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.NanoClock;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Replays an NVLog into the write cache through the one {@link Replay}: every WRITE and ZERO record with an LSN
 * above the pool's CP LSN is applied, each stream's records in their order, so the cache again holds every write
 * the log holds that the pool may lack. What a primary does when it restarts on its own log. When the cache fills
 * up the replay runs a consistency point to make room and goes on.
 * <p>
 * Not thread-safe: runs on the thread that owns the cache, before the controller serves.
 */
public final class LogReplay implements ReplayTarget
{
    private final PageCache cache;
    private final ConsistencyPoint consistencyPoint;
    private final NanoClock clock;
    private final LogRecord flyweight = new LogRecord();
    private long replayed;
    private long skipped;
    private long highestLsn;

    public LogReplay(final PageCache cache, final ConsistencyPoint consistencyPoint, final NanoClock clock)
    {
        this.cache = cache;
        this.consistencyPoint = consistencyPoint;
        this.clock = clock;
    }

    /**
     * Replays the records of {@code stream} (or of every stream for {@link Integer#MIN_VALUE}) above
     * {@code cpLsn}.
     *
     * @return records replayed.
     * @throws IllegalStateException if a consistency point needed to make room fails or finds the controller
     *                               fenced.
     * @throws UncheckedIOException  if a page cannot be loaded for a partial write.
     */
    public long replay(final NvLog log, final int stream, final long cpLsn)
    {
        final Replay replay;
        try
        {
            replay = new Replay(this, cpLsn).replay(log, stream, flyweight);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("replay of stream " + stream + " failed", ex);
        }
        replayed += replay.records();
        skipped += replay.skipped();
        highestLsn = Math.max(highestLsn, replay.highestLsnSeen());
        return replay.records();
    }

    public void write(
        final long volumeOffset, final DirectBuffer src, final int srcOffset, final int length, final long lsn)
        throws IOException
    {
        while (PageCache.OK != cache.write(volumeOffset, src, srcOffset, length, lsn))
        {
            runConsistencyPoint();
        }
    }

    public void zero(final long volumeOffset, final long length, final boolean hole, final long lsn)
        throws IOException
    {
        while (PageCache.OK != cache.writeZeroes(volumeOffset, length, lsn, hole))
        {
            runConsistencyPoint();
        }
    }
    /**
     * Runs a consistency point to its end on this thread.
     *
     * @throws IllegalStateException if it does not end DONE.
     */
    public void runConsistencyPoint()
    {
        if (!consistencyPoint.start(ConsistencyPoint.Reason.COMMAND) && !consistencyPoint.isRunning())
        {
            throw new IllegalStateException("cannot start a consistency point: " + consistencyPoint.state());
        }
        while (consistencyPoint.isRunning())
        {
            if (0 == consistencyPoint.doWork(clock.nanoTime()))
            {
                Thread.onSpinWait();
            }
        }
        if (ConsistencyPoint.State.DONE != consistencyPoint.state())
        {
            throw new IllegalStateException("consistency point ended " + consistencyPoint.state(),
                consistencyPoint.lastError());
        }
    }

    public long replayed()
    {
        return replayed;
    }

    /**
     * @return records passed over because the pool already held them.
     */
    public long skipped()
    {
        return skipped;
    }

    /**
     * @return the highest LSN of any write record seen, replayed or not.
     */
    public long highestLsn()
    {
        return highestLsn;
    }
}
