package io.tandem.secondary;

import io.tandem.interconnect.MirrorReceiver;
import io.tandem.interconnect.RecordSink;
import io.tandem.nvlog.LogRecord;
import io.tandem.nvlog.NvLog;
import io.tandem.nvlog.RecordType;
import org.agrona.DirectBuffer;

/**
 * The secondary's copy of the primary's NVLog: each mirrored record, in its stream's order, is appended byte for
 * byte to the secondary's own NVLog, and acknowledged to the primary only once it is durable there. A log half
 * is released once the pool holds everything in it, as the pool's superblock says ({@link #poolCheckpoint(long)}):
 * the primary's consistency point markers stay in its own log, since a marker in a stream would leave a hole in
 * that stream's sequences.
 * <p>
 * Pending acknowledgements are kept in a ring of (ticket, stream, sequence), in append order, so completions in
 * ticket order release them in order. When the log cannot take a record (both halves in use, or its device's
 * queue full) the record is pushed back to the receiver, which offers it again later.
 * <p>
 * Public for the benchmark of both roles' write path in one thread.
 * <p>
 * Not thread-safe: the receiver's duty cycle and {@link #doWork()} run on the secondary's one agent thread.
 */
public final class MirrorStore implements RecordSink
{
    private final NvLog log;
    private final long[] tickets;
    private final int[] streams;
    private final long[] sequences;
    private final int mask;
    private MirrorReceiver receiver;
    private long head;
    private long tail;
    private long releaseUpToLsn = Long.MIN_VALUE;
    private long recordsStored;
    private long bytesStored;
    private long pushBacks;
    private final LogRecord peek = new LogRecord();
    private final boolean[] generationStarted;
    private int generationStreams;
    private long generationTicket;
    private long pendingGeneration;
    private volatile long heldGeneration;

    private final KeptLog keeper;
    private boolean kept;
    private final org.agrona.concurrent.EpochClock clock;

    public MirrorStore(final NvLog log, final int capacity)
    {
        this(log, capacity, null, null);
    }

    /**
     * @param keeper keeps the log's records before a new generation empties it, if the log may hold the last
     *               copy of acknowledged writes; null empties it regardless.
     */
    MirrorStore(final NvLog log, final int capacity, final KeptLog keeper, final org.agrona.concurrent.EpochClock clock)
    {
        this.log = log;
        this.keeper = keeper;
        this.clock = clock;
        this.generationStarted = new boolean[log.partitioner().streamCount()];
        this.heldGeneration = log.heldGeneration();
        final int size = Integer.highestOneBit(Math.max(2, capacity) * 2 - 1);
        this.tickets = new long[size];
        this.streams = new int[size];
        this.sequences = new long[size];
        this.mask = size - 1;
    }

    public void receiver(final MirrorReceiver receiver)
    {
        this.receiver = receiver;
    }

    public boolean onRecord(
        final int stream, final long sequence, final DirectBuffer buffer, final int offset, final int length)
    {
        if (tail - head > mask)
        {
            pushBacks++;
            return false;
        }
        if (RecordType.GENERATION_START == peek.wrap(buffer, offset).type() && !onGenerationStart(stream))
        {
            pushBacks++;
            return false;
        }
        final long ticket = log.appendCopy(buffer, offset, length);
        if (ticket < 0)
        {
            pushBacks++;
            if (NvLog.LOG_FULL == ticket)
            {
                releasePending();
            }
            return false;
        }
        final int slot = (int)(tail++ & mask);
        tickets[slot] = ticket;
        streams[slot] = stream;
        sequences[slot] = sequence;
        recordsStored++;
        bytesStored += length;
        return true;
    }

    /**
     * A new mirror generation starts on {@code stream} (the record in {@link #peek}). The primary recorded in the
     * pool that no mirror is needed before it started the generation, so the first of these records empties the
     * log: what it held is in the pool. The last one, once every stream's is here, records in the log's header
     * that the log holds the generation complete, ahead of the record itself: the device completes writes in
     * order, so the record's acknowledgement, which the primary waits for, implies the header is durable too.
     *
     * @return false if the header write was pushed back: offer the record again later.
     */
    private boolean onGenerationStart(final int stream)
    {
        final long generation = peek.epoch();
        if (0 == generationStreams)
        {
            if (log.heldGeneration() != 0 && log.recordHeldGeneration(0) < 0)
            {
                return false;
            }
            if (0 != log.ackedAloneEpoch())
            {
                if (null != keeper && !kept)
                {
                    keeper.keep(log, clock.time());
                    kept = true;
                }
                if (log.recordAckedAlone(0) < 0)
                {
                    return false;
                }
            }
            heldGeneration = 0;
            log.discardAll();
        }
        if (!generationStarted[stream] && generationStreams + 1 == generationStarted.length)
        {
            final long ticket = log.recordHeldGeneration(generation);
            if (ticket < 0)
            {
                return false;
            }
            generationTicket = ticket;
            pendingGeneration = generation;
        }
        if (!generationStarted[stream])
        {
            generationStarted[stream] = true;
            generationStreams++;
        }
        return true;
    }

    /**
     * @return the mirror generation this log holds complete and durable, 0 for none: what decides whether this
     * controller may take over from a mirror the pool vouches for.
     */
    long heldGeneration()
    {
        return heldGeneration;
    }

    /**
     * Acknowledges what became durable and releases log halves the primary's consistency points made
     * unnecessary.
     *
     * @return the work done.
     */
    public int doWork()
    {
        int work = 0;
        final long completed = log.completedTicket();
        if (0 != pendingGeneration && generationTicket <= completed)
        {
            heldGeneration = pendingGeneration;
            pendingGeneration = 0;
            work++;
        }
        while (head < tail && tickets[(int)(head & mask)] <= completed)
        {
            final int slot = (int)(head++ & mask);
            receiver.markDurable(streams[slot], sequences[slot]);
            work++;
        }
        return work + releasePending();
    }

    private int releasePending()
    {
        if (Long.MIN_VALUE != releaseUpToLsn && log.releaseUpTo(releaseUpToLsn) > 0)
        {
            return 1;
        }
        return 0;
    }

    /**
     * The pool's superblock says every write up to {@code cpLsn} is in the pool.
     */
    void poolCheckpoint(final long cpLsn)
    {
        releaseUpToLsn = Math.max(releaseUpToLsn, cpLsn);
    }

    public long recordsStored()
    {
        return recordsStored;
    }

    long bytesStored()
    {
        return bytesStored;
    }

    long pushBacks()
    {
        return pushBacks;
    }

    long pendingAcks()
    {
        return tail - head;
    }

    long releasedUpTo()
    {
        return releaseUpToLsn;
    }
}
