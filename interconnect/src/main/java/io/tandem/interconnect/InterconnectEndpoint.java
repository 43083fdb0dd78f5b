package io.tandem.interconnect;

import io.aeron.Aeron;
import io.aeron.driver.MediaDriver;
import io.tandem.interconnect.path.AeronPathTransport;
import io.tandem.interconnect.path.PathFaults;
import io.tandem.interconnect.status.InterconnectCounters;
import org.agrona.CloseHelper;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.AgentRunner;

import java.nio.file.Path;

/**
 * One end of the interconnect, with everything it runs on: an embedded Aeron media driver in an Aeron directory of
 * its own ({@link PreparedDriver}: {@code directory/endpointName}, made fresh at launch, or one a
 * {@link DriverSpares} launched ahead of time; deleted on close), an Aeron client, the paths, the counters, the
 * fault injector, and the protocol agent: a {@link MirrorSender} on the primary, a {@link MirrorReceiver} on the
 * secondary.
 * <p>
 * Threading is decided here and nowhere else. The agent and the Aeron client's conductor form one duty cycle.
 * A sender's duty cycle always runs on the caller's thread through {@link #invoker()}, because
 * {@link MirrorSender#offer} must share its thread; a receiver's runs on its own thread, or through
 * {@link #invoker()} when {@link InterconnectContext#useAgentInvoker()} is set. The driver has its own thread, or,
 * with {@link InterconnectContext#invokedDriver()}, is stepped in the same duty cycle; then a
 * {@link InterconnectContext#channelWatcher()} is told of its sockets, and is asked to let go of them on close.
 * <p>
 * From another process: counters through {@link io.tandem.interconnect.status.InterconnectStatusReader#open(Path)}
 * and pull/restore through {@link PathFaults#open(Path)}, both on {@link #aeronDirectory()}.
 * <p>
 * Thread-safe: {@link #pull(int)}, {@link #restore(int)}, {@link #isPulled(int)}, {@link #stop()} and
 * {@link #close()} (idempotent); the rest belongs to the thread that launched it (and {@link #close()} must not
 * race the invoker).
 */
public final class InterconnectEndpoint implements MirrorLink
{
    static
    {
        InterconnectContext.applyJvmWideDefaults();
    }

    private final InterconnectContext ctx;
    private final Path aeronDirectory;
    private final PreparedDriver prepared;
    private final PathFaults faults;
    private final Aeron aeron;
    private final InterconnectCounters counters;
    private final AeronPathTransport transport;
    private final MirrorSender sender;
    private final MirrorReceiver receiver;
    private final AgentInvoker invoker;
    private final AgentRunner runner;
    private boolean closed;

    /**
     * Starts the primary's end. Drive it with {@code invoker().invoke()} from the thread that offers.
     */
    public static InterconnectEndpoint launchSender(final InterconnectContext ctx)
    {
        if (null == ctx.endpointName())
        {
            ctx.endpointName("primary");
        }
        ctx.useAgentInvoker(true).conclude();
        return new InterconnectEndpoint(ctx, true);
    }

    /**
     * Starts the secondary's end; {@link InterconnectContext#recordSink()} must be set.
     */
    public static InterconnectEndpoint launchReceiver(final InterconnectContext ctx)
    {
        if (null == ctx.endpointName())
        {
            ctx.endpointName("secondary");
        }
        ctx.conclude();
        if (null == ctx.recordSink())
        {
            throw new IllegalArgumentException("a receiver needs a recordSink");
        }
        return new InterconnectEndpoint(ctx, false);
    }

    private InterconnectEndpoint(final InterconnectContext ctx, final boolean isSender)
    {
        this.ctx = ctx;
        if (null != ctx.retiredEndpoints())
        {
            ctx.retiredEndpoints().closeSameKind(isSender); // they hold the ports this one binds
        }
        final PreparedDriver spare = null == ctx.driverSpares() ? null : ctx.driverSpares().take(ctx);
        final PreparedDriver prepared = null != spare ? spare : PreparedDriver.launch(ctx.aeronDirectory(), ctx);
        this.aeronDirectory = prepared.directory();
        final MediaDriver driver = prepared.driver();
        Aeron aeron = null;
        InterconnectCounters counters = null;
        AeronPathTransport transport = null;
        try
        {
            prepared.bind(ctx.channelWatcher(), ctx.errorHandler());
            aeron = Aeron.connect(new Aeron.Context()
                .aeronDirectoryName(aeronDirectory.toAbsolutePath().toString())
                .driverAgentInvoker(driver.sharedAgentInvoker())
                .useConductorAgentInvoker(true)
                .errorHandler(ctx.errorHandler()));

            final String[] addresses = new String[ctx.pathCount()];
            for (int path = 0; path < addresses.length; path++)
            {
                addresses[path] = ctx.pathAddress(path);
            }
            counters = InterconnectCounters.inAeron(
                aeron,
                prepared.invoker(),
                isSender ? InterconnectCounters.ROLE_SENDER : InterconnectCounters.ROLE_RECEIVER,
                ctx.endpointName(),
                ctx.pathCount(),
                ctx.streamCount());
            transport = isSender ?
                AeronPathTransport.forSender(
                    aeron, addresses, ctx.dataPortBase(), ctx.ackPortBase(), ctx.mtuLength(), ctx.termLength()) :
                AeronPathTransport.forReceiver(
                    aeron, addresses, ctx.dataPortBase(), ctx.ackPortBase(), ctx.receiverWindow());
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(transport, counters, aeron, prepared);
            throw ex;
        }
        this.prepared = prepared;
        this.faults = prepared.faults();
        this.aeron = aeron;
        this.counters = counters;
        this.transport = transport;

        final Agent protocol;
        if (isSender)
        {
            sender = new MirrorSender(ctx, transport, counters);
            receiver = null;
            protocol = sender;
        }
        else
        {
            sender = null;
            receiver = new MirrorReceiver(ctx, transport, counters);
            protocol = receiver;
        }

        final Agent dutyCycle = new DutyCycle(prepared.invoker(), aeron.conductorAgentInvoker(), protocol);
        if (ctx.useAgentInvoker())
        {
            invoker = new AgentInvoker(ctx.errorHandler(), null, dutyCycle);
            invoker.start();
            runner = null;
        }
        else
        {
            invoker = null;
            runner = new AgentRunner(ctx.idleStrategy(), ctx.errorHandler(), null, dutyCycle);
            AgentRunner.startOnThread(runner);
        }
    }

    /**
     * @return the primary's protocol agent; null on a receiver.
     */
    public MirrorSender sender()
    {
        return sender;
    }

    /**
     * @return the secondary's protocol agent; null on a sender.
     */
    public MirrorReceiver receiver()
    {
        return receiver;
    }

    /**
     * @return the invoker to step the duty cycle with, or null when it has its own thread.
     */
    public AgentInvoker invoker()
    {
        return invoker;
    }

    public InterconnectContext context()
    {
        return ctx;
    }

    /**
     * @return the Aeron directory: the counters (CnC file) and the fault switches live there.
     */
    public Path aeronDirectory()
    {
        return aeronDirectory;
    }

    /**
     * @return the Aeron client, for tests and tools that publish beside the protocol.
     */
    public Aeron aeron()
    {
        return aeron;
    }

    /**
     * Pulls a path: every frame of it, both ways, is lost in this endpoint's driver until {@link #restore(int)}.
     */
    public void pull(final int path)
    {
        checkPath(path);
        faults.pull(path);
    }

    public void restore(final int path)
    {
        checkPath(path);
        faults.restore(path);
    }

    public boolean isPulled(final int path)
    {
        checkPath(path);
        return faults.isPulled(path);
    }

    /**
     * Stops the duty cycle: nothing more is delivered to the record sink or sent. Idempotent.
     */
    public synchronized void stop()
    {
        CloseHelper.closeAll(runner, invoker);
    }

    /**
     * Stops the duty cycle, then the client and the driver, and deletes the Aeron directory.
     */
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        stop();
        CloseHelper.closeAll(transport, counters, aeron, prepared);
        if (null != ctx.channelWatcher())
        {
            try
            {
                ctx.channelWatcher().releaseClosed();
            }
            catch (final java.nio.channels.ClosedSelectorException ex)
            {
                // closed after its agent (a link released by a role that ended): nothing left to let go of
            }
        }
    }

    private void checkPath(final int path)
    {
        if (path < 0 || path >= ctx.pathCount())
        {
            throw new IllegalArgumentException("path must be 0.." + (ctx.pathCount() - 1) + ": " + path);
        }
    }

    /** The protocol agent and the Aeron client's conductor, stepped together. */
    private static final class DutyCycle implements Agent
    {
        private final AgentInvoker driver;
        private final AgentInvoker clientConductor;
        private final Agent protocol;

        DutyCycle(final AgentInvoker driver, final AgentInvoker clientConductor, final Agent protocol)
        {
            this.driver = driver;
            this.clientConductor = clientConductor;
            this.protocol = protocol;
        }

        public int doWork() throws Exception
        {
            int work = clientConductor.invoke() + protocol.doWork();
            if (null != driver)
            {
                work += driver.invoke();
            }
            return work;
        }

        public String roleName()
        {
            return protocol.roleName();
        }
    }
}
