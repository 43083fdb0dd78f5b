package io.tandem.staging;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Lets threads that wait for a ticket sleep instead of spinning, and wakes exactly the ones whose tickets a
 * group commit completed.
 * <p>
 * Dozens of writers polling the completed ticket on two cores starve the flusher they wait for, and waking all
 * of them through one monitor makes them queue for it. Instead a sleeper parks in its ticket's slot (tickets
 * pending at once never share a slot, see {@link PendingWrites}); after each commit the flusher unparks the
 * sleepers of the tickets it completed. The flusher pays one volatile read per commit when nobody sleeps.
 * <p>
 * No wake-up is lost: a sleeper publishes itself, then re-reads the completed ticket; the flusher publishes the
 * completed ticket, then reads the slots (both volatile, so one of them sees the other).
 * <p>
 * Thread-safe.
 */
final class CompletionWaiters
{
    private static final int SPINS = 64;
    /** A sleeper wakes at least this often to look for a failure or a close nobody told it about. */
    private static final long MAX_PARK_NS = 10_000_000;

    private final AtomicReferenceArray<Thread> sleepers;
    private final int mask;
    private final AtomicInteger sleeperCount = new AtomicInteger();

    CompletionWaiters(final int capacity)
    {
        this.sleepers = new AtomicReferenceArray<>(capacity);
        this.mask = capacity - 1;
    }

    /**
     * Called by the flusher after it completed tickets {@code first} to {@code last}.
     */
    void signal(final long first, final long last)
    {
        if (sleeperCount.get() > 0)
        {
            for (long ticket = first; ticket <= last; ticket++)
            {
                final Thread sleeper = sleepers.getAndSet((int)(ticket & mask), null);
                if (null != sleeper)
                {
                    LockSupport.unpark(sleeper);
                }
            }
        }
    }

    /**
     * Called by the flusher when it stopped for good: wakes every sleeper to see why.
     */
    void signalAll()
    {
        for (int i = 0; i <= mask; i++)
        {
            final Thread sleeper = sleepers.getAndSet(i, null);
            if (null != sleeper)
            {
                LockSupport.unpark(sleeper);
            }
        }
    }

    /**
     * Waits until {@code pending} has completed {@code ticket}, or {@code flusher} failed, or {@code stopped}
     * says to give up.
     *
     * @return true if the ticket completed.
     */
    boolean await(final long ticket, final PendingWrites pending, final NvramFlusher flusher, final StopCheck stopped)
    {
        for (int i = 0; i < SPINS; i++)
        {
            if (pending.completed() >= ticket)
            {
                return true;
            }
            Thread.onSpinWait();
        }
        final int slot = (int)(ticket & mask);
        final Thread self = Thread.currentThread();
        sleeperCount.incrementAndGet();
        try
        {
            while (pending.completed() < ticket)
            {
                if (null != flusher.failure() || stopped.isStopped())
                {
                    return false;
                }
                sleepers.set(slot, self);
                if (pending.completed() >= ticket)
                {
                    break;
                }
                LockSupport.parkNanos(this, MAX_PARK_NS);
            }
            return true;
        }
        finally
        {
            sleepers.compareAndSet(slot, self, null);
            sleeperCount.decrementAndGet();
        }
    }

    /**
     * Tells a waiter to stop waiting for a ticket that can no longer complete.
     */
    @FunctionalInterface
    interface StopCheck
    {
        boolean isStopped();
    }
}
