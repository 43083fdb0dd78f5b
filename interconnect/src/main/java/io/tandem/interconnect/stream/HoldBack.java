package io.tandem.interconnect.stream;

import org.agrona.BitUtil;
import io.tandem.staging.LazyMemory;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The records of one stream that arrived before their turn, held until the gap before them fills. Fixed slots:
 * a record of sequence {@code s} lives in slot {@code s mod slots}, so any {@code slots} consecutive sequences
 * starting at the next expected one fit without collision; a record further ahead is refused (the sender resends
 * it). Each slot holds a record of up to {@code maxRecordLength} bytes.
 * <pre>
 *  slot i: | record bytes (maxRecordLength) |      sequence held in slot i: long[i], 0 = empty
 * </pre>
 * All memory is allocated by the constructor, untouched until used ({@link LazyMemory}).
 * <p>
 * Not thread-safe: owned by the receiver's duty cycle.
 */
public final class HoldBack
{
    private final UnsafeBuffer buffer;
    private final int mask;
    private final int slotLength;
    private final long[] sequences;
    private final int[] lengths;
    private int count;

    /**
     * @param slots           power of two.
     * @param maxRecordLength bytes of the biggest record.
     */
    public HoldBack(final int slots, final int maxRecordLength)
    {
        if (!BitUtil.isPowerOfTwo(slots))
        {
            throw new IllegalArgumentException("slots must be a power of two: " + slots);
        }
        this.mask = slots - 1;
        this.slotLength = BitUtil.align(maxRecordLength, 8);
        this.buffer = new UnsafeBuffer(LazyMemory.allocate(slots * slotLength));
        this.sequences = new long[slots];
        this.lengths = new int[slots];
    }

    /**
     * Keeps a copy of an early record.
     *
     * @param expected the next sequence the stream waits for; {@code sequence} must not be below it.
     * @return true when held (or already held), false when too far ahead or too long to hold.
     */
    public boolean hold(
        final long expected, final long sequence, final DirectBuffer src, final int offset, final int length)
    {
        if (sequence - expected > mask || length > slotLength || sequence < expected)
        {
            return false;
        }
        final int slot = (int)(sequence & mask);
        if (sequences[slot] == sequence)
        {
            return true;
        }
        if (0 == sequences[slot])
        {
            count++;
        }
        // a slot still naming an older sequence was a stale duplicate: overwritten
        buffer.putBytes(slot * slotLength, src, offset, length);
        sequences[slot] = sequence;
        lengths[slot] = length;
        return true;
    }

    public boolean holds(final long sequence)
    {
        return sequence > 0 && sequences[(int)(sequence & mask)] == sequence;
    }

    /**
     * @return offset in {@link #buffer()} of a held record.
     */
    public int offset(final long sequence)
    {
        return (int)(sequence & mask) * slotLength;
    }

    public int length(final long sequence)
    {
        return lengths[(int)(sequence & mask)];
    }

    /**
     * Frees the slot of a record once handed on.
     */
    public void remove(final long sequence)
    {
        final int slot = (int)(sequence & mask);
        if (sequences[slot] == sequence)
        {
            sequences[slot] = 0;
            count--;
        }
    }

    public UnsafeBuffer buffer()
    {
        return buffer;
    }

    /**
     * @return records held now.
     */
    public int count()
    {
        return count;
    }

    public int slots()
    {
        return mask + 1;
    }
}
