package io.tandem.secondary.takeover;

import io.tandem.controller.replay.Replay;
import io.tandem.nvlog.LogRecord;
import io.tandem.nvlog.NvLog;
import io.tandem.nvlog.RecordHandler;


/**
 * Scans one stream of the mirror log before it is replayed: checks that the stream holds every record the
 * partner sent on it, and counts what lies above the pool's CP LSN.
 * <p>
 * Within one epoch a stream's sequence numbers go up by one from record to record, and LSNs only go up. A
 * jump in sequence means the mirror lacks records; that matters only if the missing records may be above the CP
 * LSN, which is so whenever the record after the gap is (a stream's LSNs only go up, so the missing ones lie
 * below it). A new epoch starts a new sequence: the partner's mirror sender starts afresh. Whatever is out of
 * order at or below the CP LSN is harmless in the same way: the pool holds it.
 * <p>
 * Not thread-safe: one scan per stream, on one thread.
 */
final class StreamScan implements RecordHandler
{
    private final int stream;
    private final long cpLsn;
    private long records;
    private long recordsAbove;
    private long bytesAbove;
    private long highestLsn = -1;
    private long harmlessGaps;
    private long lastEpoch = Long.MIN_VALUE;
    private long lastSequence;
    private long lastLsn = Long.MIN_VALUE;
    private String problem;

    StreamScan(final int stream, final long cpLsn)
    {
        this.stream = stream;
        this.cpLsn = cpLsn;
    }

    /**
     * Scans the whole stream in {@code log} through a flyweight of its own.
     *
     * @return this.
     */
    StreamScan scan(final NvLog log)
    {
        log.forEachInStream(stream, Long.MIN_VALUE, new LogRecord(), this);
        return this;
    }

    public void onRecord(final LogRecord record)
    {
        records++;
        final long lsn = record.lsn();
        final long sequence = record.streamSequence();
        if (null == problem && Long.MIN_VALUE != lastLsn &&
            (lsn <= lastLsn || record.epoch() == lastEpoch && sequence != lastSequence + 1) && lsn <= cpLsn)
        {
            // out of order, but at or below the CP LSN: in the pool already, whatever came before it (a log a
            // controller kept from its own run as primary, say, whose records acknowledged alone carry no
            // mirror sequence)
            harmlessGaps++;
        }
        else if (null == problem && Long.MIN_VALUE != lastLsn)
        {
            if (lsn <= lastLsn)
            {
                problem = "stream " + stream + ": LSN goes back from " + lastLsn + " to " + lsn + " (sequence " +
                    lastSequence + " then " + sequence + ")";
            }
            else if (record.epoch() == lastEpoch && sequence != lastSequence + 1)
            {
                if (sequence <= lastSequence)
                {
                    problem = "stream " + stream + ": sequence goes back from " + lastSequence + " to " + sequence +
                        " (LSN " + lastLsn + " then " + lsn + ")";
                }
                else if (lsn > cpLsn)
                {
                    problem = "stream " + stream + ": the mirror lacks sequences " + (lastSequence + 1) + " to " +
                        (sequence - 1) + " (between LSN " + lastLsn + " and " + lsn + ", above the CP LSN " + cpLsn +
                        "): acknowledged writes are missing";
                }
                else
                {
                    harmlessGaps++;
                }
            }
        }
        lastEpoch = record.epoch();
        lastSequence = sequence;
        lastLsn = lsn;
        if (lsn > cpLsn)
        {
            recordsAbove++;
            bytesAbove += Replay.lengthOf(record);
            highestLsn = Math.max(highestLsn, lsn);
        }
    }

    /**
     * @return what is wrong with the stream, or null if it is whole.
     */
    String problem()
    {
        return problem;
    }

    long records()
    {
        return records;
    }

    long recordsAbove()
    {
        return recordsAbove;
    }

    long bytesAbove()
    {
        return bytesAbove;
    }

    /**
     * @return the highest LSN above the CP LSN, or -1 if there is none.
     */
    long highestLsn()
    {
        return highestLsn;
    }

    /**
     * @return gaps and records out of order at or below the CP LSN, so already in the pool.
     */
    long harmlessGaps()
    {
        return harmlessGaps;
    }
}
