package io.tandem.controller.replay;

import io.tandem.nvlog.LogRecord;
import io.tandem.nvlog.NvLog;
import io.tandem.nvlog.RecordHandler;
import io.tandem.nvlog.RecordType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The one replay of an NVLog: every WRITE and ZERO record of a stream with an LSN above the pool's CP LSN goes to
 * a {@link ReplayTarget}, in the stream's order, so the target again holds every write the log holds that the
 * pool may lack. The primary replays its own log into its write cache when it restarts; a secondary replays its
 * mirror into the pool when it takes over.
 * <p>
 * Records at or below the CP LSN are passed over (the pool holds them) but counted, and so is the highest LSN
 * seen, replayed or not. A record for another volume than the pool's one is refused: replaying it would write
 * the wrong bytes.
 * <p>
 * Not thread-safe: one replay per stream and thread; streams may be replayed in parallel, each by a replay of
 * its own reading through a flyweight of its own.
 */
public final class Replay implements RecordHandler
{
    private final ReplayTarget target;
    private final long cpLsn;
    private long records;
    private long bytes;
    private long skipped;
    private long highestLsnSeen = -1;
    private long highestLsnReplayed = -1;
    private AtomicLongArray progress;
    private int progressIndex;

    /**
     * @param cpLsn every write up to this LSN is in the pool already.
     */
    public Replay(final ReplayTarget target, final long cpLsn)
    {
        this.target = target;
        this.cpLsn = cpLsn;
    }

    /**
     * Publishes the bytes replayed so far into {@code bytesSoFar[index]} after every record, for a progress bar
     * read on another thread.
     *
     * @return this.
     */
    public Replay progress(final AtomicLongArray bytesSoFar, final int index)
    {
        this.progress = bytesSoFar;
        this.progressIndex = index;
        return this;
    }

    /**
     * Replays the records of {@code stream} (every stream for {@link Integer#MIN_VALUE}) in {@code log}.
     *
     * @param flyweight read through; one per thread.
     * @return this, once the target has {@link ReplayTarget#finish() finished}.
     * @throws IOException if the target fails.
     */
    public Replay replay(final NvLog log, final int stream, final LogRecord flyweight) throws IOException
    {
        try
        {
            log.forEachInStream(stream, Long.MIN_VALUE, flyweight, this);
            target.finish();
        }
        catch (final UncheckedIOException ex)
        {
            throw ex.getCause();
        }
        return this;
    }

    public void onRecord(final LogRecord record)
    {
        final short type = record.type();
        if (RecordType.WRITE != type && RecordType.ZERO != type)
        {
            return;
        }
        final long lsn = record.lsn();
        highestLsnSeen = Math.max(highestLsnSeen, lsn);
        if (lsn <= cpLsn)
        {
            skipped++;
            return;
        }
        if (0 != record.volume())
        {
            throw new IllegalStateException("stream " + record.stream() + ": record " + lsn + " is for volume " +
                record.volume() + ", the pool has only volume 0");
        }
        final long length = lengthOf(record);
        try
        {
            if (RecordType.WRITE == type)
            {
                target.write(record.volumeOffset(), record.buffer(), record.payloadOffset(), record.payloadLength(),
                    lsn);
            }
            else
            {
                target.zero(record.volumeOffset(), length, 0 != (record.flags() & LogRecord.FLAG_HOLE), lsn);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        records++;
        bytes += length;
        if (null != progress)
        {
            progress.lazySet(progressIndex, bytes);
        }
        highestLsnReplayed = Math.max(highestLsnReplayed, lsn);
    }

    /**
     * @return the bytes of the volume a WRITE or ZERO record changes.
     */
    public static long lengthOf(final LogRecord record)
    {
        return RecordType.ZERO == record.type() ?
            record.buffer().getLong(record.payloadOffset(), ByteOrder.LITTLE_ENDIAN) : record.payloadLength();
    }

    /**
     * @return records replayed.
     */
    public long records()
    {
        return records;
    }

    /**
     * @return bytes of the volume the replayed records changed.
     */
    public long bytes()
    {
        return bytes;
    }

    /**
     * @return records passed over because the pool held them.
     */
    public long skipped()
    {
        return skipped;
    }

    /**
     * @return the highest LSN of any WRITE or ZERO record seen, replayed or not; -1 for none.
     */
    public long highestLsnSeen()
    {
        return highestLsnSeen;
    }

    /**
     * @return the highest LSN replayed; -1 for none.
     */
    public long highestLsnReplayed()
    {
        return highestLsnReplayed;
    }
}
