package io.tandem.staging;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The queue of writes copied into the staging area and not yet durable: many writers, one flusher.
 * <p>
 * A writer claims the next ticket with a compare-and-set (refused while {@code capacity} tickets are claimed
 * and not completed), fills the ticket's slot, and publishes it by storing the ticket in the slot with an
 * ordered write. The flusher reads slots in ticket order and stops at the first one not yet published, so
 * tickets are taken strictly in arrival order even though writers publish out of order.
 * <pre>
 *  slot (32 bytes): | published ticket (8) | address (8) | length (4) | unused (12) |
 * </pre>
 * Thread-safe for any number of writers and one reader. No allocation after construction.
 */
final class PendingWrites
{
    static final int SLOT_LENGTH = 32;
    static final int TICKET_OFFSET = 0;
    static final int ADDRESS_OFFSET = 8;
    static final int LENGTH_OFFSET = 16;

    private final int capacity;
    private final int mask;
    private final UnsafeBuffer slots;
    private final AtomicLong claimed = new AtomicLong();
    private volatile long completed;

    PendingWrites(final int capacity)
    {
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.slots = new UnsafeBuffer(BufferUtil.allocateDirectAligned(capacity * SLOT_LENGTH, 64));
    }

    /**
     * @return the next ticket (> 0), or 0 when {@code capacity} writes are already pending.
     */
    long claim()
    {
        while (true)
        {
            final long last = claimed.get();
            if (last - completed >= capacity)
            {
                return 0;
            }
            if (claimed.compareAndSet(last, last + 1))
            {
                return last + 1;
            }
        }
    }

    void publish(final long ticket, final long address, final int length)
    {
        final int slot = slotOffset(ticket);
        slots.putLong(slot + ADDRESS_OFFSET, address);
        slots.putInt(slot + LENGTH_OFFSET, length);
        slots.putLongOrdered(slot + TICKET_OFFSET, ticket);
    }

    boolean isPublished(final long ticket)
    {
        return slots.getLongVolatile(slotOffset(ticket) + TICKET_OFFSET) == ticket;
    }

    long address(final long ticket)
    {
        return slots.getLong(slotOffset(ticket) + ADDRESS_OFFSET);
    }

    int length(final long ticket)
    {
        return slots.getInt(slotOffset(ticket) + LENGTH_OFFSET);
    }

    /**
     * Frees every slot up to and including {@code ticket}; called by the flusher only.
     */
    void complete(final long ticket)
    {
        completed = ticket;
    }

    long completed()
    {
        return completed;
    }

    long claimed()
    {
        return claimed.get();
    }

    private int slotOffset(final long ticket)
    {
        return (int)(ticket & mask) * SLOT_LENGTH;
    }
}
