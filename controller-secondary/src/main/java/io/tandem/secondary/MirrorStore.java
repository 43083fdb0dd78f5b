package io.tandem.secondary;

import io.tandem.interconnect.MirrorReceiver;
import io.tandem.interconnect.RecordSink;
import io.tandem.nvlog.NvLog;
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
 * Not thread-safe: the receiver's duty cycle and {@link #doWork()} run on the secondary's one agent thread.
 */
final class MirrorStore implements RecordSink
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

    MirrorStore(final NvLog log, final int capacity)
    {
        this.log = log;
        final int size = Integer.highestOneBit(Math.max(2, capacity) * 2 - 1);
        this.tickets = new long[size];
        this.streams = new int[size];
        this.sequences = new long[size];
        this.mask = size - 1;
    }

    void receiver(final MirrorReceiver receiver)
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
     * Acknowledges what became durable and releases log halves the primary's consistency points made
     * unnecessary.
     *
     * @return the work done.
     */
    int doWork()
    {
        int work = 0;
        final long completed = log.completedTicket();
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

    long recordsStored()
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
