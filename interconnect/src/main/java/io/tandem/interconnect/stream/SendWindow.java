package io.tandem.interconnect.stream;

import org.agrona.BitUtil;
import io.tandem.staging.LazyMemory;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The records of one stream sent and not yet acknowledged, kept so they can be sent again on any path. Bounded two
 * ways: at most {@code maxRecords} records and at most {@code capacity} bytes of payload.
 * <p>
 * A record is held one of two ways. <b>In place</b> ({@link #appendInPlace}): the window keeps only where its bytes
 * lie, in the caller's buffer, which must leave them as they are until the record is released; this is how the
 * primary mirrors its NVLog records without copying them. <b>Copied</b> ({@link #append}): the caller copies the
 * payload into the window's own byte ring at the offset returned, for senders whose buffer is reused at once.
 * <p>
 * Copies sit in the ring in sequence order. A copy never wraps: when it does not fit before the end of the ring it
 * starts at offset 0 and the tail is left unused until the ring comes round. Positions are monotonic longs (offset
 * = position mod capacity), so the ring's used bytes are {@code tail - head} without special cases; a record held
 * in place takes no ring space but counts against the same byte bound. Each copy starts 8-byte aligned.
 * <pre>
 *   ring:  |.....| seq a | seq a+1 | ... | seq b |.....(unused tail)|
 *                ^ head (first unacked copy)     ^ tail
 * </pre>
 * All memory is allocated by the constructor (the ring untouched until used, {@link LazyMemory}); appends and
 * {@link #release(long)} allocate nothing.
 * <p>
 * Not thread-safe: owned by the sender's duty cycle.
 */
public final class SendWindow
{
    private static final int ALIGNMENT = 8;

    private final UnsafeBuffer ring;
    private final int capacity;
    private final int mask;
    private final long[] positions;
    private final DirectBuffer[] buffers;
    private final int[] offsets;
    private final int[] lengths;
    private final boolean[] inPlace;

    private long headPosition;
    private long tailPosition;
    private long bytesInPlace;
    private long firstSequence;
    private long nextSequence;

    /**
     * @param capacity      bytes of payload held at most, and of the ring, a multiple of 8 at least as big as the
     *                      largest record.
     * @param maxRecords    records held at most, a power of two.
     * @param firstSequence the sequence of the first record that will be appended.
     */
    public SendWindow(final int capacity, final int maxRecords, final long firstSequence)
    {
        if (!BitUtil.isPowerOfTwo(maxRecords))
        {
            throw new IllegalArgumentException("maxRecords must be a power of two: " + maxRecords);
        }
        this.capacity = BitUtil.align(capacity, ALIGNMENT);
        this.ring = new UnsafeBuffer(LazyMemory.allocate(this.capacity));
        this.mask = maxRecords - 1;
        this.positions = new long[maxRecords];
        this.buffers = new DirectBuffer[maxRecords];
        this.offsets = new int[maxRecords];
        this.lengths = new int[maxRecords];
        this.inPlace = new boolean[maxRecords];
        this.firstSequence = firstSequence;
        this.nextSequence = firstSequence;
    }

    /**
     * Reserves ring room for a copy of the next sequence's ({@link #nextSequence()}) payload.
     *
     * @return the offset in {@link #ring()} to copy the payload to, or -1 when the window is full.
     */
    public int append(final long sequence, final int length)
    {
        checkNext(sequence);
        if (nextSequence - firstSequence > mask || length > capacity)
        {
            return -1;
        }
        long position = tailPosition;
        final int offset = (int)(position % capacity);
        if (offset + length > capacity)
        {
            position += capacity - offset;
        }
        final long end = position + BitUtil.align(length, ALIGNMENT);
        if (end - headPosition + bytesInPlace > capacity)
        {
            return -1;
        }
        final int ringOffset = (int)(position % capacity);
        hold(sequence, position, ring, ringOffset, length, false);
        tailPosition = end;
        return ringOffset;
    }

    /**
     * Holds the next sequence's payload where it lies: {@code length} bytes at {@code offset} in {@code buffer},
     * which must stay as they are until the record is released.
     *
     * @return false when the window is full.
     */
    public boolean appendInPlace(final long sequence, final DirectBuffer buffer, final int offset, final int length)
    {
        checkNext(sequence);
        if (nextSequence - firstSequence > mask || tailPosition - headPosition + bytesInPlace + length > capacity)
        {
            return false;
        }
        hold(sequence, tailPosition, buffer, offset, length, true);
        bytesInPlace += length;
        return true;
    }

    private void checkNext(final long sequence)
    {
        if (sequence != nextSequence)
        {
            throw new IllegalArgumentException("expected sequence " + nextSequence + ", got " + sequence);
        }
    }

    private void hold(
        final long sequence,
        final long position,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final boolean held)
    {
        final int index = (int)(sequence & mask);
        positions[index] = position;
        buffers[index] = buffer;
        offsets[index] = offset;
        lengths[index] = length;
        inPlace[index] = held;
        nextSequence++;
    }

    /**
     * Drops every record up to and including {@code sequence}: they are acknowledged.
     *
     * @return how many records were dropped.
     */
    public int release(final long sequence)
    {
        int released = 0;
        while (firstSequence <= sequence && firstSequence < nextSequence)
        {
            final int index = (int)(firstSequence & mask);
            if (inPlace[index])
            {
                bytesInPlace -= lengths[index];
            }
            buffers[index] = null;
            firstSequence++;
            released++;
        }
        headPosition = firstSequence < nextSequence ? positions[(int)(firstSequence & mask)] : tailPosition;
        return released;
    }

    /**
     * Drops every record held, acknowledged or not: nothing of them will be sent again.
     */
    public void clear()
    {
        release(nextSequence - 1);
    }

    /**
     * @return true if a record held in place lies in {@code buffer} at an offset in [{@code from}, {@code to}).
     */
    public boolean holdsInPlace(final DirectBuffer buffer, final long from, final long to)
    {
        for (long sequence = firstSequence; sequence < nextSequence; sequence++)
        {
            final int index = (int)(sequence & mask);
            if (inPlace[index] && buffers[index] == buffer && offsets[index] >= from && offsets[index] < to)
            {
                return true;
            }
        }
        return false;
    }

    /**
     * @return the buffer a held record's payload lies in: the caller's, or the {@link #ring()}.
     */
    public DirectBuffer buffer(final long sequence)
    {
        return buffers[(int)(sequence & mask)];
    }

    /**
     * @return offset in {@link #buffer(long)} of a held record's payload.
     */
    public int offset(final long sequence)
    {
        return offsets[(int)(sequence & mask)];
    }

    /**
     * @return the payload length of a held record.
     */
    public int length(final long sequence)
    {
        return lengths[(int)(sequence & mask)];
    }

    public boolean holds(final long sequence)
    {
        return sequence >= firstSequence && sequence < nextSequence;
    }

    /**
     * @return the ring copies are made into.
     */
    public UnsafeBuffer ring()
    {
        return ring;
    }

    /**
     * @return the oldest record held (the first unacknowledged), equal to {@link #nextSequence()} when empty.
     */
    public long firstSequence()
    {
        return firstSequence;
    }

    public long nextSequence()
    {
        return nextSequence;
    }

    public int recordCount()
    {
        return (int)(nextSequence - firstSequence);
    }

    /**
     * @return bytes counted against the capacity: the ring's in use, skipped tails included, and those held in
     * place.
     */
    public long bytesUsed()
    {
        return tailPosition - headPosition + bytesInPlace;
    }

    public int capacity()
    {
        return capacity;
    }

    public int maxRecords()
    {
        return mask + 1;
    }
}
