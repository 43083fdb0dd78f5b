package io.tandem.primary.replay;

import io.tandem.nvlog.LogRecord;
import io.tandem.nvlog.NvLog;
import io.tandem.nvlog.RecordType;
import io.tandem.primary.cache.ConsistencyPoint;
import io.tandem.primary.cache.PageCache;
import org.agrona.concurrent.NanoClock;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;

/**
 * Replays an NVLog into the write cache: every WRITE and ZERO record with an LSN above the pool's CP LSN is
 * applied, each stream's records in their order, so the cache again holds every write the log holds that the
 * pool may lack. What a primary does when it restarts on its own log, and what a secondary does with its mirror
 * when it takes over. When the cache fills up the replay runs a consistency point to make room and goes on.
 * <p>
 * Not thread-safe: runs on the thread that owns the cache, before the controller serves.
 */
public final class LogReplay
{
    private final PageCache cache;
    private final ConsistencyPoint consistencyPoint;
    private final NanoClock clock;
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
     */
    public long replay(final NvLog log, final int stream, final long cpLsn)
    {
        final long before = replayed;
        log.forEachInStream(stream, Long.MIN_VALUE, record -> apply(record, cpLsn));
        return replayed - before;
    }

    private void apply(final LogRecord record, final long cpLsn)
    {
        final short type = record.type();
        if (RecordType.WRITE != type && RecordType.ZERO != type)
        {
            return;
        }
        highestLsn = Math.max(highestLsn, record.lsn());
        if (record.lsn() <= cpLsn)
        {
            skipped++;
            return;
        }
        try
        {
            while (PageCache.OK != (RecordType.WRITE == type ?
                cache.write(record.volumeOffset(), record.buffer(), record.payloadOffset(), record.payloadLength(),
                    record.lsn()) :
                cache.writeZeroes(record.volumeOffset(),
                    record.buffer().getLong(record.payloadOffset(), ByteOrder.LITTLE_ENDIAN), record.lsn())))
            {
                runConsistencyPoint();
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("replay of " + record + " failed", ex);
        }
        replayed++;
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
