package io.tandem.controller.nbd;

import org.agrona.CloseHelper;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.AgentRunner;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;

/**
 * Serves one {@link BlockVolume} over NBD (fixed newstyle handshake, simple replies) on a TCP port.
 * <pre>{@code
 * NbdServer server = NbdServer.launch(new NbdServerContext().port(0).volume(volume));
 * int port = server.port();           // clients connect to nbd://127.0.0.1:port
 * server.refuseIo(false);             // e.g. on takeover
 * server.close();                     // then close the volume
 * }</pre>
 * The port is bound before {@link #launch} returns, so a client may connect at once. The work is done by one
 * agent ({@code nbd-server}); this class alone decides its thread: a thread of its own, or the caller's through
 * {@link #invoker()} when {@link NbdServerContext#useAgentInvoker()} is set.
 * <p>
 * Refuse-I/O mode, for a controller that answers on its port but does not own the volume (the secondary before
 * takeover): the handshake works in full (NBD_OPT_LIST, NBD_OPT_INFO and NBD_OPT_GO show the export with its size,
 * so {@code nbdinfo} works), and every command but DISC is answered with {@link NbdServerContext#refuseIoError()},
 * ESHUTDOWN by default — the NBD error that tells a client the server is going away, so it disconnects. Clients
 * see an I/O error at once rather than a hang or a refused connection, and a new connection after takeover works.
 * <p>
 * Thread-safe: every method may be called from any thread.
 */
public final class NbdServer implements NbdFrontEnd
{
    private static final int CLOSE_RETRY_MS = 100;

    private final NbdServerContext ctx;
    private final ServerSocketChannel serverChannel;
    private final NbdCounters counters;
    private final NbdServerAgent agent;
    private final AgentRunner runner;
    private final AgentInvoker invoker;
    private final InetSocketAddress localAddress;

    private NbdServer(final NbdServerContext ctx) throws IOException
    {
        this.ctx = ctx;
        this.counters = ctx.counters();
        serverChannel = ServerSocketChannel.open();
        try
        {
            serverChannel.bind(new InetSocketAddress(ctx.bindAddress(), ctx.port()), 128);
            localAddress = (InetSocketAddress)serverChannel.getLocalAddress();
            agent = new NbdServerAgent(ctx, serverChannel, counters);
        }
        catch (final IOException | RuntimeException ex)
        {
            CloseHelper.quietClose(serverChannel);
            throw ex;
        }
        if (ctx.useAgentInvoker())
        {
            invoker = new AgentInvoker(ctx.errorHandler(), null, agent);
            invoker.start();
            runner = null;
        }
        else
        {
            runner = new AgentRunner(ctx.idleStrategy(), ctx.errorHandler(), null, agent);
            invoker = null;
            AgentRunner.startOnThread(runner);
        }
    }

    /**
     * Concludes {@code ctx}, binds the port and starts serving.
     *
     * @throws IOException if the address cannot be bound.
     */
    public static NbdServer launch(final NbdServerContext ctx) throws IOException
    {
        return new NbdServer(ctx.conclude());
    }

    public NbdServerContext context()
    {
        return ctx;
    }

    /**
     * @return the bound address; the port is the real one when {@link NbdServerContext#port()} was 0.
     */
    public InetSocketAddress localAddress()
    {
        return localAddress;
    }

    public int port()
    {
        return localAddress.getPort();
    }

    /**
     * Turns refuse-I/O mode on or off; takes effect for the next request parsed, on every connection.
     */
    public void refuseIo(final boolean refuse)
    {
        agent.refuseIo(refuse);
    }

    public boolean refuseIo()
    {
        return agent.refuseIo();
    }

    public void serviceAddress(final InetSocketAddress address)
    {
        agent.serviceAddress(address);
        if (null != ctx.channelWatcher())
        {
            ctx.channelWatcher().wake();
        }
    }

    public ServiceAddressState serviceAddressState()
    {
        return agent.serviceState();
    }

    public String serviceAddressRefusal()
    {
        return agent.serviceRefusal();
    }

    public NbdCounters counters()
    {
        return counters;
    }

    /**
     * @return the invoker to step the server with, or null when it runs on a thread of its own.
     */
    public AgentInvoker invoker()
    {
        return invoker;
    }

    /**
     * Stops the agent and closes every connection and the port. The volume is the caller's to close afterwards.
     */
    public void close()
    {
        if (null != runner && null != ctx.channelWatcher())
        {
            // the thread may sleep on its sockets for as long as the idle strategy allows: wake it to see the stop
            ctx.channelWatcher().wake();
            runner.close(CLOSE_RETRY_MS, thread -> ctx.channelWatcher().wake());
        }
        CloseHelper.closeAll(runner, invoker);
        if (null != ctx.channelWatcher())
        {
            ctx.channelWatcher().releaseClosed(); // the port can be bound again at once
        }
    }
}
