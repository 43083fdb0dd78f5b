package io.tandem.interconnect;

import org.agrona.CloseHelper;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps media drivers launched ahead of need, so that the next endpoints of a controller (the role it changes
 * to, a new mirror session) start without waiting for one. Launching an Aeron 1.51 media driver costs about
 * 150-200 ms on a 2-core machine, nearly all of it Aeron zero-filling the new CnC file of its minimum buffer
 * sizes (1 MiB each) byte by byte; a driver cannot be handed from one endpoint to the next instead, since the
 * closed endpoint's channels linger in it and would be reused with their sockets watched by the old agent.
 * <p>
 * Two are kept (a giveback's new secondary may open two mirror sessions back to back). Each {@link #take} returns
 * the oldest if it fits the endpoint (the same directory, threading and timeouts), and launches the missing ones
 * a second and more later, one after the other, on threads of their own; the first take, one that does not fit,
 * or one that comes before any spare was started, returns null and the endpoint launches its own driver. A spare
 * is an idle driver in a directory of its own, {@code <directory>/<prefix>-spare-<n>}; {@link #close()} closes
 * those waiting.
 * <p>
 * Thread-safe.
 */
public final class DriverSpares implements AutoCloseable
{
    private static final AtomicLong SEQUENCE = new AtomicLong();
    /** How long after a take the next spares are launched, one after the other. */
    private static final long LAUNCH_DELAY_MS = 1_000;
    /** Spares kept: a giveback's new secondary may open two mirror sessions back to back. */
    private static final int COUNT = 2;

    private final String prefix;
    private final long launchDelayMs;
    private final ArrayDeque<Pending> spares = new ArrayDeque<>();
    private boolean closed;

    /**
     * @param prefix names the spares' directories; unique to this process and controller.
     */
    public DriverSpares(final String prefix)
    {
        this(prefix, LAUNCH_DELAY_MS);
    }

    /**
     * @param launchDelayMs how long after a take the missing spares are launched (each one this much after the
     *                      one before).
     */
    DriverSpares(final String prefix, final long launchDelayMs)
    {
        this.prefix = prefix;
        this.launchDelayMs = launchDelayMs;
    }

    /**
     * @return how many spares are launched and waiting.
     */
    synchronized int ready()
    {
        int ready = 0;
        for (final Pending spare : spares)
        {
            ready += spare.launch.isDone() && !spare.launch.isCompletedExceptionally() ? 1 : 0;
        }
        return ready;
    }

    /**
     * @return a launched driver for an endpoint configured by {@code settings}, or null if none is ready for it
     * (waits for one being launched). Launches the missing ones later.
     */
    synchronized PreparedDriver take(final InterconnectContext settings)
    {
        if (closed)
        {
            return null;
        }
        PreparedDriver taken = null;
        while (null == taken && !spares.isEmpty())
        {
            final PreparedDriver spare = spares.poll().awaitOrCancel();
            if (null != spare && spare.fits(settings))
            {
                taken = spare;
            }
            else
            {
                CloseHelper.quietClose(spare);
            }
        }
        final InterconnectContext copy = new InterconnectContext().directory(settings.directory())
            .invokedDriver(settings.invokedDriver()).driverTimeoutNs(settings.driverTimeoutNs())
            .driverTimerIntervalNs(settings.driverTimerIntervalNs());
        // not at once: the role change that took this one is still starting, and on 2 cores the next launch
        // would compete with it for a CPU; one after the other
        for (int i = 0; spares.size() < COUNT; i++)
        {
            spares.add(new Pending(settings.directory().toAbsolutePath()
                .resolve(prefix + "-spare-" + SEQUENCE.incrementAndGet()), copy, launchDelayMs * (1 + i)));
        }
        return taken;
    }

    /**
     * A spare being launched, or waiting to be.
     */
    private static final class Pending
    {
        /** Set by whoever comes first: the launch as it starts, or a take or close that calls it off. */
        private final AtomicBoolean claimed = new AtomicBoolean();
        private final CompletableFuture<PreparedDriver> launch;

        Pending(final Path directory, final InterconnectContext settings, final long delayMs)
        {
            launch = CompletableFuture.supplyAsync(() -> claimed.compareAndSet(false, true) ?
                PreparedDriver.launch(directory, settings) : null,
                CompletableFuture.delayedExecutor(delayMs, TimeUnit.MILLISECONDS, command ->
                {
                    final Thread thread = new Thread(command, "tandem-driver-spare");
                    thread.setDaemon(true);
                    thread.start();
                }));
        }

        /**
         * @return the spare if it is launched or being launched (then waits for it); null if it was not started
         * yet (it is called off) or failed.
         */
        PreparedDriver awaitOrCancel()
        {
            if (claimed.compareAndSet(false, true))
            {
                return null; // not started: it never will be
            }
            try
            {
                return launch.get();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                launch.thenAccept(CloseHelper::quietClose);
                return null;
            }
            catch (final ExecutionException ex)
            {
                return null; // the endpoint launches its own, and says why if that fails too
            }
        }
    }

    /**
     * Closes the spare waiting (or being launched) and launches no more.
     */
    public synchronized void close()
    {
        closed = true;
        while (!spares.isEmpty())
        {
            CloseHelper.quietClose(spares.poll().awaitOrCancel());
        }
    }
}
