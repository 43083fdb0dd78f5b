package io.tandem.secondary.takeover;

import io.tandem.controller.replay.Replay;
import io.tandem.nvlog.LogRecord;
import io.tandem.nvlog.NvLog;
import io.tandem.nvlog.RecordHandler;
import io.tandem.nvlog.RecordType;

/**
 * Scans every stream of the mirror log, in one walk of the log, before it is replayed: checks that each stream
 * holds every record the partner sent on it, and counts what lies above the pool's CP LSN.
 * <p>
 * Within one epoch a stream's sequence numbers go up by one from record to record, and LSNs only go up. A
 * jump in sequence means the mirror lacks records; that matters only if the missing records may be above the CP
 * LSN, which is so whenever the record after the gap is (a stream's LSNs only go up, so the missing ones lie
 * below it). A new epoch starts a new sequence: the partner's mirror sender starts afresh. Whatever is out of
 * order at or below the CP LSN is harmless in the same way: the pool holds it. A record of a stream the log does
 * not have cannot be put in any stream's order: that is a problem too.
 * <p>
 * The log is walked once, whatever the number of streams: a walk costs a cache miss per record, and walking it
 * once per stream cost a takeover of a full log more than its writes did.
 * <p>
 * Not thread-safe: one scan on one thread.
 */
final class MirrorScan implements RecordHandler
{
    private final int streams;
    private final long cpLsn;
    private final long[] records;
    private final long[] recordsAbove;
    private final long[] bytesAbove;
    private final long[] highestLsn;
    private final long[] harmlessGaps;
    private final long[] lastEpoch;
    private final long[] lastSequence;
    private final long[] lastLsn;
    private int problemStream = -1;
    private String problem;

    MirrorScan(final int streams, final long cpLsn)
    {
        this.streams = streams;
        this.cpLsn = cpLsn;
        this.records = new long[streams];
        this.recordsAbove = new long[streams];
        this.bytesAbove = new long[streams];
        this.highestLsn = new long[streams];
        this.harmlessGaps = new long[streams];
        this.lastEpoch = new long[streams];
        this.lastSequence = new long[streams];
        this.lastLsn = new long[streams];
        java.util.Arrays.fill(highestLsn, -1);
        java.util.Arrays.fill(lastEpoch, Long.MIN_VALUE);
        java.util.Arrays.fill(lastLsn, Long.MIN_VALUE);
    }

    /**
     * Scans every stream in {@code log} through a flyweight of its own.
     *
     * @return this.
     */
    MirrorScan scan(final NvLog log)
    {
        log.forEachInStream(Integer.MIN_VALUE, Long.MIN_VALUE, new LogRecord(), this);
        return this;
    }

    public void onRecord(final LogRecord record)
    {
        final short type = record.type();
        if (RecordType.WRITE != type && RecordType.ZERO != type)
        {
            return;
        }
        final int stream = record.stream();
        final long lsn = record.lsn();
        if (stream < 0 || stream >= streams)
        {
            if (null == problem)
            {
                problemStream = stream;
                problem = "record " + lsn + " is of stream " + stream + ", the log has streams 0 to " + (streams - 1);
            }
            return;
        }
        records[stream]++;
        final long sequence = record.streamSequence();
        final long epoch = record.epoch();
        final long last = lastLsn[stream];
        if (Long.MIN_VALUE != last && (lsn <= last || epoch == lastEpoch[stream] &&
            sequence != lastSequence[stream] + 1))
        {
            disorder(stream, lsn, sequence);
        }
        lastEpoch[stream] = epoch;
        lastSequence[stream] = sequence;
        lastLsn[stream] = lsn;
        if (lsn > cpLsn)
        {
            recordsAbove[stream]++;
            bytesAbove[stream] += Replay.lengthOf(record);
            highestLsn[stream] = Math.max(highestLsn[stream], lsn);
        }
    }

    /**
     * A record out of order after the last of its stream: harmless at or below the CP LSN, a problem above it.
     */
    private void disorder(final int stream, final long lsn, final long sequence)
    {
        final long last = lastLsn[stream];
        if (lsn <= cpLsn)
        {
            // out of order, but at or below the CP LSN: in the pool already, whatever came before it (a log a
            // controller kept from its own run as primary, say, whose records acknowledged alone carry no
            // mirror sequence)
            harmlessGaps[stream]++;
        }
        else if (null != problem)
        {
            return;
        }
        else if (lsn <= last)
        {
            problemStream = stream;
            problem = "stream " + stream + ": LSN goes back from " + last + " to " + lsn + " (sequence " +
                lastSequence[stream] + " then " + sequence + ")";
        }
        else if (sequence <= lastSequence[stream])
        {
            problemStream = stream;
            problem = "stream " + stream + ": sequence goes back from " + lastSequence[stream] + " to " + sequence +
                " (LSN " + last + " then " + lsn + ")";
        }
        else
        {
            problemStream = stream;
            problem = "stream " + stream + ": the mirror lacks sequences " + (lastSequence[stream] + 1) + " to " +
                (sequence - 1) + " (between LSN " + last + " and " + lsn + ", above the CP LSN " + cpLsn +
                "): acknowledged writes are missing";
        }
    }

    /**
     * @return what is wrong with the first stream found wrong, or null if every stream is whole.
     */
    String problem()
    {
        return problem;
    }

    /**
     * @return the stream {@link #problem()} is about, -1 if none.
     */
    int problemStream()
    {
        return problemStream;
    }

    int streams()
    {
        return streams;
    }

    long records(final int stream)
    {
        return records[stream];
    }

    long recordsAbove(final int stream)
    {
        return recordsAbove[stream];
    }

    long bytesAbove(final int stream)
    {
        return bytesAbove[stream];
    }

    /**
     * @return the highest LSN of the stream above the CP LSN, or -1 if there is none.
     */
    long highestLsn(final int stream)
    {
        return highestLsn[stream];
    }

    /**
     * @return gaps and records out of order at or below the CP LSN in the stream, so already in the pool.
     */
    long harmlessGaps(final int stream)
    {
        return harmlessGaps[stream];
    }

    /**
     * @return one line: per stream, records, those above the CP LSN, their bytes, and gaps below it.
     */
    String summary()
    {
        long all = 0;
        long above = 0;
        long bytes = 0;
        long highest = -1;
        final StringBuilder perStream = new StringBuilder();
        for (int s = 0; s < streams; s++)
        {
            all += records[s];
            above += recordsAbove[s];
            bytes += bytesAbove[s];
            highest = Math.max(highest, highestLsn[s]);
            perStream.append(0 == s ? "" : ", ").append(recordsAbove[s]).append('/').append(records[s]);
            if (0 != harmlessGaps[s])
            {
                perStream.append(" (stream ").append(s).append(": ").append(harmlessGaps[s])
                    .append(" gaps below the CP LSN, already in the pool)");
            }
        }
        return all + " records in " + streams + " streams, " + above + " (" + bytes + " bytes) above CP LSN " +
            cpLsn + " up to LSN " + highest + "; per stream, above/all: " + perStream;
    }
}
