package io.tandem.interconnect.stream;

import org.agrona.BitUtil;
import io.tandem.staging.LazyMemory;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The records of one stream sent and not yet acknowledged, kept as encoded frames so they can be sent again on
 * any path. Bounded two ways: at most {@code maxRecords} records and at most {@code capacity} bytes.
 * <p>
 * Frames sit in a byte ring in sequence order. A frame never wraps: when it does not fit before the end of the
 * ring it starts at offset 0 and the tail is left unused until the ring comes round. Positions are
 * monotonic longs (offset = position mod capacity), so "used bytes" is {@code tail - head} without special
 * cases. Each frame starts 8-byte aligned.
 * <pre>
 *   ring:  |.....| seq a | seq a+1 | ... | seq b |.....(unused tail)|
 *                ^ head (first unacked)          ^ tail
 * </pre>
 * All memory is allocated by the constructor (untouched until used, {@link LazyMemory});
 * {@link #append(long, int)} and {@link #release(long)} allocate nothing.
 * <p>
 * Not thread-safe: owned by the sender's duty cycle.
 */
public final class SendWindow
{
    private static final int ALIGNMENT = 8;

    private final UnsafeBuffer buffer;
    private final int capacity;
    private final int mask;
    private final long[] positions;
    private final int[] lengths;

    private long headPosition;
    private long tailPosition;
    private long firstSequence;
    private long nextSequence;

    /**
     * @param capacity   bytes of the ring, a multiple of 8 at least as big as the largest frame.
     * @param maxRecords records held at most, a power of two.
     * @param firstSequence the sequence of the first record that will be appended.
     */
    public SendWindow(final int capacity, final int maxRecords, final long firstSequence)
    {
        if (!BitUtil.isPowerOfTwo(maxRecords))
        {
            throw new IllegalArgumentException("maxRecords must be a power of two: " + maxRecords);
        }
        this.capacity = BitUtil.align(capacity, ALIGNMENT);
        this.buffer = new UnsafeBuffer(LazyMemory.allocate(this.capacity));
        this.mask = maxRecords - 1;
        this.positions = new long[maxRecords];
        this.lengths = new int[maxRecords];
        this.firstSequence = firstSequence;
        this.nextSequence = firstSequence;
    }

    /**
     * Reserves room for the frame of the next sequence ({@link #nextSequence()}).
     *
     * @return the offset in {@link #buffer()} to encode the frame at, or -1 when the window is full.
     */
    public int append(final long sequence, final int frameLength)
    {
        if (sequence != nextSequence)
        {
            throw new IllegalArgumentException("expected sequence " + nextSequence + ", got " + sequence);
        }
        if (nextSequence - firstSequence > mask || frameLength > capacity)
        {
            return -1;
        }
        long position = tailPosition;
        final int offset = (int)(position % capacity);
        if (offset + frameLength > capacity)
        {
            position += capacity - offset;
        }
        final long end = position + BitUtil.align(frameLength, ALIGNMENT);
        if (end - headPosition > capacity)
        {
            return -1;
        }
        final int index = (int)(sequence & mask);
        positions[index] = position;
        lengths[index] = frameLength;
        tailPosition = end;
        nextSequence++;
        return (int)(position % capacity);
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
            firstSequence++;
            released++;
        }
        headPosition = firstSequence < nextSequence ? positions[(int)(firstSequence & mask)] : tailPosition;
        return released;
    }

    /**
     * @return offset in {@link #buffer()} of a held record's frame.
     */
    public int offset(final long sequence)
    {
        return (int)(positions[(int)(sequence & mask)] % capacity);
    }

    /**
     * @return the frame length of a held record.
     */
    public int length(final long sequence)
    {
        return lengths[(int)(sequence & mask)];
    }

    public boolean holds(final long sequence)
    {
        return sequence >= firstSequence && sequence < nextSequence;
    }

    public UnsafeBuffer buffer()
    {
        return buffer;
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

    public long bytesUsed()
    {
        return tailPosition - headPosition;
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
