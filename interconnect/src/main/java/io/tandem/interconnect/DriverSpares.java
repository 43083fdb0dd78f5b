package io.tandem.interconnect;

import org.agrona.CloseHelper;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps one media driver launched ahead of need, so that the next endpoint of a controller (the role it changes
 * to, or a new mirror session) starts without waiting for one. Launching an Aeron 1.51 media driver costs about
 * 150-200 ms on a 2-core machine, nearly all of it Aeron zero-filling the new CnC file of its minimum buffer
 * sizes (1 MiB each) byte by byte; a driver cannot be handed from one endpoint to the next instead, since the
 * closed endpoint's channels linger in it and would be reused with their sockets watched by the old agent.
 * <p>
 * Each {@link #take} returns the spare if it fits the endpoint (the same directory, threading and timeouts) and
 * launches the next one a second later on a thread of its own; the first take, one that does not fit, or one
 * that comes before the next spare was started, returns null and the endpoint launches its own driver as before. A spare is an idle driver in a directory of its own,
 * {@code <directory>/<prefix>-spare-<n>}; {@link #close()} closes the one waiting.
 * <p>
 * Thread-safe.
 */
public final class DriverSpares implements AutoCloseable
{
    private static final AtomicLong SEQUENCE = new AtomicLong();
    /** How long after a take the next spare is launched. */
    private static final long LAUNCH_DELAY_MS = 1_000;

    private final String prefix;
    private CompletableFuture<PreparedDriver> next;
    /** Set by whoever comes first: the launch as it starts, or a take or close that calls it off. */
    private AtomicBoolean nextClaimed;
    private boolean closed;

    /**
     * @param prefix names the spares' directories; unique to this process and controller.
     */
    public DriverSpares(final String prefix)
    {
        this.prefix = prefix;
    }

    /**
     * @return a launched driver for an endpoint configured by {@code settings}, or null if none is ready for it
     * (waits for one being launched). Starts launching the next.
     */
    synchronized PreparedDriver take(final InterconnectContext settings)
    {
        if (closed)
        {
            return null;
        }
        final PreparedDriver spare = awaitOrCancel(next, nextClaimed);
        next = null;
        PreparedDriver taken = spare;
        if (null != spare && !spare.fits(settings))
        {
            CloseHelper.quietClose(spare);
            taken = null;
        }
        final Path directory = settings.directory().toAbsolutePath()
            .resolve(prefix + "-spare-" + SEQUENCE.incrementAndGet());
        final InterconnectContext copy = new InterconnectContext().directory(settings.directory())
            .invokedDriver(settings.invokedDriver()).driverTimeoutNs(settings.driverTimeoutNs())
            .driverTimerIntervalNs(settings.driverTimerIntervalNs());
        // not at once: the role change that took this one is still starting, and on 2 cores the next launch
        // would compete with it for a CPU
        final AtomicBoolean claimed = new AtomicBoolean();
        nextClaimed = claimed;
        next = CompletableFuture.supplyAsync(() -> claimed.compareAndSet(false, true) ?
            PreparedDriver.launch(directory, copy) : null,
            CompletableFuture.delayedExecutor(LAUNCH_DELAY_MS, TimeUnit.MILLISECONDS, command ->
            {
                final Thread thread = new Thread(command, "tandem-driver-spare");
                thread.setDaemon(true);
                thread.start();
            }));
        return taken;
    }

    /**
     * @return the spare if it is launched or being launched (then waits for it); null if it was not started yet
     * (it is called off) or failed.
     */
    private static PreparedDriver awaitOrCancel(
        final CompletableFuture<PreparedDriver> launching, final AtomicBoolean claimed)
    {
        if (null == launching || claimed.compareAndSet(false, true))
        {
            return null; // not started: it never will be
        }
        try
        {
            return launching.get();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            launching.thenAccept(CloseHelper::quietClose);
            return null;
        }
        catch (final ExecutionException ex)
        {
            return null; // the endpoint launches its own, and says why if that fails too
        }
    }

    /**
     * Closes the spare waiting (or being launched) and launches no more.
     */
    public synchronized void close()
    {
        closed = true;
        final PreparedDriver spare = awaitOrCancel(next, nextClaimed);
        next = null;
        CloseHelper.quietClose(spare);
    }
}
