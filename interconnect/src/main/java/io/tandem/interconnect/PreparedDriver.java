package io.tandem.interconnect;

import io.aeron.CommonContext;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.tandem.interconnect.idle.ChannelWatcher;
import io.tandem.interconnect.path.PathFaults;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.IoUtil;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.BackoffIdleStrategy;

import java.io.File;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.file.Path;

/**
 * An endpoint's embedded Aeron media driver in an Aeron directory of its own, with the path fault switches in it,
 * launched before the endpoint that uses it: at once by the endpoint itself, or ahead of time by
 * {@link DriverSpares}. SHARED threading with back-off idling, or INVOKER (stepped in the endpoint's duty cycle);
 * no async executor, low timeouts.
 * <p>
 * The driver opens its sockets only once the endpoint adds its channels, after {@link #bind}: so the watcher and
 * the error handler the driver was built with forward to the endpoint's, whichever thread launched it.
 * <p>
 * Not thread-safe: launched on one thread, then used by the endpoint it is handed to, which closes it.
 */
final class PreparedDriver implements AutoCloseable
{
    private final Path directory;
    private final boolean invoked;
    private final long driverTimeoutNs;
    private final long timerIntervalNs;
    private final ForwardingWatcher watcher = new ForwardingWatcher();
    private final ForwardingErrors errors = new ForwardingErrors();
    private final PathFaults faults;
    private final MediaDriver driver;

    private PreparedDriver(final Path directory, final InterconnectContext settings)
    {
        this.directory = directory;
        this.invoked = settings.invokedDriver();
        this.driverTimeoutNs = settings.driverTimeoutNs();
        this.timerIntervalNs = settings.driverTimerIntervalNs();
        final File dir = directory.toFile();
        if (dir.isDirectory() && CommonContext.isDriverActive(dir, driverTimeoutNs / 1_000_000, msg -> {}))
        {
            throw new IllegalStateException("an endpoint is already running in " + dir);
        }
        // what is left there belongs to an endpoint that died without closing
        IoUtil.delete(dir, true);
        IoUtil.ensureDirectoryExists(dir, "interconnect endpoint");
        final PathFaults faults = PathFaults.forDriver();
        MediaDriver driver = null;
        try
        {
            final MediaDriver.Context driverCtx = new MediaDriver.Context()
                .aeronDirectoryName(dir.getAbsolutePath())
                .dirDeleteOnStart(false)
                .dirDeleteOnShutdown(false)
                .warnIfDirectoryExists(false)
                .threadingMode(invoked ? ThreadingMode.INVOKER : ThreadingMode.SHARED)
                .sharedIdleStrategy(new BackoffIdleStrategy())
                .asyncExecutorEnabled(false)
                .termBufferSparseFile(true)
                .performStorageChecks(false)
                .publicationConnectionTimeoutNs(driverTimeoutNs)
                .imageLivenessTimeoutNs(driverTimeoutNs)
                .timerIntervalNs(timerIntervalNs)
                .publicationLingerTimeoutNs(timerIntervalNs)
                .errorHandler(errors);
            faults.install(driverCtx, watcher);
            driver = MediaDriver.launch(driverCtx);
            faults.createFile(directory);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(driver, faults);
            IoUtil.delete(dir, true);
            throw ex;
        }
        this.faults = faults;
        this.driver = driver;
    }

    /**
     * Launches a driver in {@code directory}, with the driver settings of {@code settings} (threading, timeouts),
     * clearing what a dead endpoint left there.
     *
     * @throws IllegalStateException if a live driver runs there.
     */
    static PreparedDriver launch(final Path directory, final InterconnectContext settings)
    {
        return new PreparedDriver(directory, settings);
    }

    /**
     * @return true if an endpoint configured by {@code settings} may use this driver.
     */
    boolean fits(final InterconnectContext settings)
    {
        return invoked == settings.invokedDriver() && driverTimeoutNs == settings.driverTimeoutNs() &&
            timerIntervalNs == settings.driverTimerIntervalNs() &&
            directory.getParent().equals(settings.directory().toAbsolutePath());
    }

    /**
     * Hands the driver to its endpoint: the sockets it opens from now on go to {@code channelWatcher} (if any), its
     * errors to {@code errorHandler}. An invoked driver is stepped once, so that its heartbeat is fresh for the
     * endpoint's client however long it waited.
     */
    void bind(final ChannelWatcher channelWatcher, final ErrorHandler errorHandler)
    {
        watcher.target = channelWatcher;
        errors.target = errorHandler;
        if (invoked)
        {
            driver.sharedAgentInvoker().invoke();
        }
    }

    Path directory()
    {
        return directory;
    }

    PathFaults faults()
    {
        return faults;
    }

    MediaDriver driver()
    {
        return driver;
    }

    /**
     * @return the invoker to step an INVOKER driver with, or null when it has its own thread.
     */
    AgentInvoker invoker()
    {
        return driver.sharedAgentInvoker();
    }

    /**
     * Closes the driver and the switches, and deletes the directory.
     */
    public void close()
    {
        CloseHelper.closeAll(driver, faults);
        IoUtil.delete(directory.toFile(), true);
    }

    private static final class ForwardingWatcher implements ChannelWatcher
    {
        private volatile ChannelWatcher target;

        public SelectionKey watch(final SelectableChannel channel, final int interestOps)
        {
            final ChannelWatcher current = target;
            return null == current ? null : current.watch(channel, interestOps);
        }

        public void wake()
        {
            final ChannelWatcher current = target;
            if (null != current)
            {
                current.wake();
            }
        }

        public void releaseClosed()
        {
            final ChannelWatcher current = target;
            if (null != current)
            {
                current.releaseClosed();
            }
        }
    }

    private static final class ForwardingErrors implements ErrorHandler
    {
        private volatile ErrorHandler target;

        public void onError(final Throwable throwable)
        {
            final ErrorHandler current = target;
            if (null != current)
            {
                current.onError(throwable);
            }
        }
    }
}
