package io.tandem.interconnect;

import org.agrona.CloseHelper;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Endpoints a controller's roles are done with, closed a little later rather than at once. Closing an Aeron
 * endpoint (its client, its driver, their buffers and directory) costs 60-220 ms of CPU on a 2-core machine, and
 * the moment a role ends is the moment the partner starts serving: a giveback's client paused 251 ms (median of 6,
 * worst 328 ms) with the giving controller's sender closed then, 182 ms (median of 8, worst 236 ms) with it closed
 * a second later.
 * <p>
 * So {@link #retire} stops an endpoint at once (nothing more is delivered or sent) and closes it
 * {@link #closeDelayMs()} later on a thread of its own; a new endpoint of the same kind closes the retired ones of
 * its kind first ({@link #closeSameKind}), on its own thread, since it binds the same ports (a sender its ack
 * ports, a receiver its data ports). {@link #close()} closes what is left.
 * <p>
 * Thread-safe.
 */
public final class RetiredEndpoints implements AutoCloseable
{
    /** Long enough for the partner's start to be over, short of the driver's client timeouts. */
    public static final long CLOSE_DELAY_MS_DEFAULT = 1_000;

    private final long closeDelayMs;
    private final List<InterconnectEndpoint> pending = new ArrayList<>();
    private final ScheduledExecutorService closer;
    private boolean closed;

    public RetiredEndpoints()
    {
        this(CLOSE_DELAY_MS_DEFAULT);
    }

    /**
     * @param closeDelayMs how long a retired endpoint waits before it is closed.
     */
    public RetiredEndpoints(final long closeDelayMs)
    {
        if (closeDelayMs < 0)
        {
            throw new IllegalArgumentException("closeDelayMs must be >= 0: " + closeDelayMs);
        }
        this.closeDelayMs = closeDelayMs;
        this.closer = Executors.newSingleThreadScheduledExecutor(r ->
        {
            final Thread thread = new Thread(r, "tandem-interconnect-close");
            thread.setDaemon(true);
            return thread;
        });
    }

    public long closeDelayMs()
    {
        return closeDelayMs;
    }

    /**
     * Stops {@code endpoint} now and closes it later (at once if this is closed).
     */
    public void retire(final InterconnectEndpoint endpoint)
    {
        endpoint.stop();
        synchronized (this)
        {
            if (!closed)
            {
                pending.add(endpoint);
                closer.schedule(() -> closeIfPending(endpoint), closeDelayMs, TimeUnit.MILLISECONDS);
                return;
            }
        }
        endpoint.close();
    }

    /**
     * Closes, on the caller's thread, the retired endpoints of one kind: a new endpoint of that kind is about to
     * bind their ports.
     *
     * @param sender true for senders, false for receivers.
     */
    public void closeSameKind(final boolean sender)
    {
        final List<InterconnectEndpoint> due = new ArrayList<>();
        synchronized (this)
        {
            pending.removeIf(endpoint ->
            {
                final boolean same = (null != endpoint.sender()) == sender;
                if (same)
                {
                    due.add(endpoint);
                }
                return same;
            });
        }
        CloseHelper.quietCloseAll(due);
    }

    /**
     * @return endpoints retired and not closed yet.
     */
    public synchronized int pending()
    {
        return pending.size();
    }

    private void closeIfPending(final InterconnectEndpoint endpoint)
    {
        final boolean due;
        synchronized (this)
        {
            due = pending.remove(endpoint);
        }
        if (due)
        {
            CloseHelper.quietClose(endpoint);
        }
    }

    /**
     * Closes every endpoint still waiting, on the caller's thread, and the closing thread.
     */
    public void close()
    {
        final List<InterconnectEndpoint> left;
        synchronized (this)
        {
            closed = true;
            left = new ArrayList<>(pending);
            pending.clear();
        }
        closer.shutdownNow();
        CloseHelper.quietCloseAll(left);
    }
}
