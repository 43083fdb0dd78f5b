package io.tandem.simulator;

import java.util.PriorityQueue;

/**
 * What is due when: housekeeping tasks, consistency-point I/O, takeover jobs and the fault schedule, ordered by
 * simulated time and then by the order they were queued, so equal times never depend on anything but the seed.
 * An event owned by a process runs only while that run lives; while it is paused, it waits for the resume.
 * <p>
 * Not thread-safe: the simulation has one thread.
 */
final class EventQueue
{
    private final PriorityQueue<Event> queue = new PriorityQueue<>();
    private long sequence;

    /**
     * One thing to do at a time.
     */
    static final class Event implements Comparable<Event>
    {
        long atNs;
        long order;
        final SimProcess owner;
        final Runnable action;
        boolean cancelled;

        Event(final long atNs, final long order, final SimProcess owner, final Runnable action)
        {
            this.atNs = atNs;
            this.order = order;
            this.owner = owner;
            this.action = action;
        }

        public int compareTo(final Event other)
        {
            return atNs != other.atNs ? Long.compare(atNs, other.atNs) : Long.compare(order, other.order);
        }
    }

    /**
     * @param owner the process whose event it is, or null for the simulator's own.
     */
    Event schedule(final long atNs, final SimProcess owner, final Runnable action)
    {
        final Event event = new Event(atNs, sequence++, owner, action);
        queue.add(event);
        return event;
    }

    /**
     * Runs every event due at or before {@code nowNs}, in order; those of a paused process wait for its resume,
     * those of a dead one are dropped.
     *
     * @return events run.
     */
    int runDue(final long nowNs)
    {
        int ran = 0;
        while (!queue.isEmpty() && queue.peek().atNs <= nowNs)
        {
            final Event event = queue.poll();
            if (event.cancelled)
            {
                continue;
            }
            final SimProcess owner = event.owner;
            if (null != owner)
            {
                if (!owner.isAlive())
                {
                    continue;
                }
                if (owner.isPaused())
                {
                    owner.holdWhilePaused(event);
                    continue;
                }
            }
            event.action.run();
            ran++;
        }
        return ran;
    }

    /**
     * Puts back an event held during a pause, due now.
     */
    void requeue(final long nowNs, final Event event)
    {
        event.atNs = nowNs;
        event.order = sequence++;
        queue.add(event);
    }
}
