package io.tandem.controller.nbd;

import io.tandem.interconnect.idle.ChannelWatcher;
import org.agrona.CloseHelper;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.NanoClock;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.function.Consumer;

/**
 * The NBD server's one agent. Each duty cycle it
 * <ol>
 * <li>polls the selector without blocking ({@code selectNow}): accepts clients, reads and parses requests, and
 * submits them to the volume; unless it coalesces: with {@link NbdServerContext#coalesceDepth()} requests in
 * flight it leaves the sockets for up to {@link NbdServerContext#coalesceWindowNs()}, so that the next read takes
 * a batch;</li>
 * <li>drains the completions the volume reported, from any thread, through the {@link CompletionQueue}, and queues
 * each reply on its connection;</li>
 * <li>flushes the connections that have replies to send, and resumes connections held back for want of slots;</li>
 * <li>every 100 ms, disconnects clients still in the handshake {@link NbdServerContext#handshakeTimeoutNs()} after
 * connecting, and clients that have left their connection unused for {@link NbdServerContext#idleTimeoutNs()};</li>
 * <li>binds or releases the volume's service address as asked ({@link #serviceAddress(InetSocketAddress)}): a
 * second listening socket whose clients are served as those of the controller's own port, and are disconnected
 * when it is released. A bind refused (the address in use: the previous owner still holds it) is tried again
 * every {@link #SERVICE_BIND_RETRY_NS}.</li>
 * </ol>
 * Time is read once per duty cycle from the context's clock.
 * Steady-state traffic allocates nothing: selected keys are handled through a method reference made once, request
 * buffers are pooled in {@link RequestSlots}, and connection objects with their buffers are kept for reuse.
 * <p>
 * Not thread-safe: one thread runs it, as {@link NbdServer} decides; {@link #refuseIo(boolean)} alone may be
 * called from any thread.
 */
final class NbdServerAgent implements Agent, MessageHandler
{
    private static final int ACCEPTS_PER_CYCLE = 16;
    private static final int COMPLETIONS_PER_CYCLE = 1024;
    private static final long DEADLINE_CHECK_INTERVAL_NS = 100_000_000L;
    static final long SERVICE_BIND_RETRY_NS = 20_000_000L;
    /** The attachment of the service address's listening key (the node port's has none). */
    private static final Object SERVICE = new Object();

    private final NbdServerContext ctx;
    private final ServerSocketChannel serverChannel;
    private final Selector selector;
    private final NbdCounters counters;
    private final RequestSlots slots;
    private final CompletionQueue completions;
    private final NbdCommandDispatcher dispatcher;
    private final NbdOptionHandler options;
    private final NbdConnection[] connections;
    private final int[] freeConnections;
    private int freeConnectionCount;
    private final NbdConnection[] dirty;
    private int dirtyCount;
    private int throttledCount;
    private int parkedCount;
    private int resumeCursor;
    private boolean slotsFreed;
    private final Consumer<SelectionKey> onSelectedKey = this::onSelectedKey;
    private final NanoClock clock;
    private final ChannelWatcher watcher;
    private final long handshakeTimeoutNs;
    private final long idleTimeoutNs;
    private final int coalesceDepth;
    private final long coalesceWindowNs;
    private SelectionKey acceptWatchKey;
    private boolean intakeHeld;
    private long lastIntakeNs;
    private long nowNs;
    private long nextDeadlineCheckNs;
    private volatile boolean refuseIo;
    private volatile InetSocketAddress serviceWanted;
    private volatile ServiceAddressState serviceState = ServiceAddressState.OFF;
    private volatile String serviceRefusal = "";
    private InetSocketAddress serviceApplied;
    private ServerSocketChannel serviceChannel;
    private SelectionKey serviceWatchKey;
    private long nextServiceBindNs;

    NbdServerAgent(final NbdServerContext ctx, final ServerSocketChannel serverChannel, final NbdCounters counters)
        throws IOException
    {
        this.ctx = ctx;
        this.serverChannel = serverChannel;
        this.counters = counters;
        this.refuseIo = ctx.refuseIo();
        this.clock = ctx.nanoClock();
        this.handshakeTimeoutNs = ctx.handshakeTimeoutNs();
        this.idleTimeoutNs = ctx.idleTimeoutNs();
        this.coalesceDepth = ctx.coalesceDepth();
        this.coalesceWindowNs = ctx.coalesceWindowNs();
        this.nowNs = clock.nanoTime();
        this.nextDeadlineCheckNs = nowNs;
        final int maxConnections = ctx.maxConnections();
        final int slotCount = maxConnections * ctx.maxRequestsPerConnection();
        this.slots = new RequestSlots(
            slotCount, ctx.retainedRequestBufferLength(), ctx.maxBufferBytes(), counters);
        this.completions = new CompletionQueue(slotCount, ctx.channelWatcher());
        this.dispatcher = new NbdCommandDispatcher(ctx, slots, completions, counters);
        int transmissionFlags = NbdProtocol.FLAG_HAS_FLAGS | NbdProtocol.FLAG_SEND_FLUSH | NbdProtocol.FLAG_SEND_FUA |
            NbdProtocol.FLAG_SEND_TRIM | NbdProtocol.FLAG_SEND_WRITE_ZEROES | NbdProtocol.FLAG_SEND_FAST_ZERO |
            NbdProtocol.FLAG_CAN_MULTI_CONN;
        if (ctx.readOnly())
        {
            transmissionFlags |= NbdProtocol.FLAG_READ_ONLY;
        }
        this.options = new NbdOptionHandler(ctx, transmissionFlags, counters);
        this.connections = new NbdConnection[maxConnections];
        this.freeConnections = new int[maxConnections];
        for (int i = 0; i < maxConnections; i++)
        {
            freeConnections[i] = maxConnections - 1 - i;
        }
        this.freeConnectionCount = maxConnections;
        this.dirty = new NbdConnection[maxConnections];

        this.selector = Selector.open();
        serverChannel.configureBlocking(false);
        serverChannel.register(selector, SelectionKey.OP_ACCEPT, null);
        this.watcher = ctx.channelWatcher();
        if (null != watcher)
        {
            acceptWatchKey = watcher.watch(serverChannel, SelectionKey.OP_ACCEPT);
        }
    }

    public String roleName()
    {
        return "nbd-server";
    }

    public int doWork() throws IOException
    {
        nowNs = clock.nanoTime();
        int work = 0;
        if (serviceWanted != serviceApplied ||
            ServiceAddressState.BUSY == serviceState && nowNs - nextServiceBindNs >= 0)
        {
            work += reconcileService();
        }
        if (intakeOpen())
        {
            work += selector.selectNow(onSelectedKey);
        }
        work += completions.drain(this, COMPLETIONS_PER_CYCLE);
        work += flushDirty();
        if (slotsFreed)
        {
            slotsFreed = false;
            if (throttledCount > 0)
            {
                resumeThrottled();
                work += flushDirty();
            }
        }
        if (parkedCount > 0 && !refuseIo)
        {
            work += unparkAll();
        }
        if (nowNs - nextDeadlineCheckNs >= 0)
        {
            nextDeadlineCheckNs = nowNs + DEADLINE_CHECK_INTERVAL_NS;
            work += closeLateConnections();
        }
        return work;
    }

    public void onClose()
    {
        for (final NbdConnection connection : connections)
        {
            if (null != connection)
            {
                connection.close();
            }
        }
        CloseHelper.quietClose(serverChannel);
        CloseHelper.quietClose(serviceChannel);
        serviceState = null == serviceWanted ? ServiceAddressState.OFF : ServiceAddressState.RELEASED;
        CloseHelper.quietClose(selector);
    }

    /**
     * Asks for the service address to be bound ({@code address}) or released (null), from any thread; the agent
     * does it in its next duty cycle.
     */
    void serviceAddress(final InetSocketAddress address)
    {
        serviceWanted = address;
    }

    ServiceAddressState serviceState()
    {
        return serviceState;
    }

    /**
     * @return why the last bind of the service address failed, or "".
     */
    String serviceRefusal()
    {
        return serviceRefusal;
    }

    /**
     * Makes the service address's socket what was asked: released (its clients disconnected), or bound, or, after
     * a refused bind, tried again.
     */
    private int reconcileService()
    {
        final InetSocketAddress wanted = serviceWanted;
        int work = 0;
        if (wanted != serviceApplied && null != serviceChannel)
        {
            // released, or moved: let the clients that came in through it go, and the address
            for (final NbdConnection connection : connections)
            {
                if (null != connection && !connection.isClosed() && connection.viaService())
                {
                    connection.close();
                }
            }
            CloseHelper.quietClose(serviceChannel); // deregisters its keys with both selectors
            serviceChannel = null;
            serviceWatchKey = null;
            work++;
        }
        serviceApplied = wanted;
        if (null == wanted)
        {
            serviceState = serviceState.calledOff();
            return work;
        }
        if (null != serviceChannel || nowNs - nextServiceBindNs < 0)
        {
            return work;
        }
        ServerSocketChannel channel = null;
        try
        {
            channel = ServerSocketChannel.open();
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            channel.bind(wanted, 128);
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_ACCEPT, SERVICE);
            serviceWatchKey = null == watcher ? null : watcher.watch(channel, SelectionKey.OP_ACCEPT);
            serviceChannel = channel;
            serviceRefusal = "";
            serviceState = ServiceAddressState.BOUND;
            counters.increment(NbdCounters.SERVICE_BINDS_OFFSET);
            return work + 1;
        }
        catch (final IOException ex)
        {
            CloseHelper.quietClose(channel);
            if (ServiceAddressState.BUSY != serviceState)
            {
                counters.increment(NbdCounters.SERVICE_BIND_REFUSALS_OFFSET);
            }
            serviceRefusal = ex.getClass().getSimpleName() + ": " + ex.getMessage();
            serviceState = ServiceAddressState.BUSY;
            nextServiceBindNs = nowNs + SERVICE_BIND_RETRY_NS;
            return work;
        }
    }

    /**
     * A completion from the volume: route it to its connection, or drop it if that connection has closed.
     */
    public void onMessage(final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length)
    {
        final long token = buffer.getLong(index + CompletionQueue.TOKEN_OFFSET);
        final int error = buffer.getInt(index + CompletionQueue.ERROR_OFFSET);
        final int slot = slots.submittedSlot(token);
        if (slot < 0)
        {
            counters.increment(NbdCounters.STALE_COMPLETIONS_OFFSET);
            return;
        }
        final NbdConnection connection = connections[slots.connection(slot)];
        if (connection.isClosed() || connection.generation() != slots.connectionGeneration(slot))
        {
            slots.free(slot);
            slotsFreed = true;
            return;
        }
        connection.onCompletion(slot, error);
    }

    boolean refuseIo()
    {
        return refuseIo;
    }

    void refuseIo(final boolean refuse)
    {
        refuseIo = refuse;
    }

    /**
     * @return the time of this duty cycle.
     */
    long nowNs()
    {
        return nowNs;
    }

    void markDirty(final NbdConnection connection)
    {
        if (connection.markDirty())
        {
            dirty[dirtyCount++] = connection;
        }
    }

    void onSlotFreed()
    {
        slotsFreed = true;
    }

    void onThrottled()
    {
        throttledCount++;
    }

    void onResumed()
    {
        throttledCount--;
    }

    void onParked(final NbdConnection connection)
    {
        parkedCount++;
    }

    void onUnparked()
    {
        parkedCount--;
    }

    void onClosed(final NbdConnection connection)
    {
        freeConnections[freeConnectionCount++] = connection.index();
        counters.increment(NbdCounters.CONNECTIONS_CLOSED_OFFSET);
        counters.add(NbdCounters.ACTIVE_CONNECTIONS_OFFSET, -1);
        slotsFreed = true;
    }

    /**
     * Coalescing: with {@link NbdServerContext#coalesceDepth()} requests in flight the sockets are left alone until
     * the count falls or the window since the last read has passed; the watcher stops waking the agent for them
     * meanwhile, so that a held intake is slept through rather than spun on.
     */
    private boolean intakeOpen()
    {
        final boolean hold = coalesceDepth > 0 && slots.inUse() >= coalesceDepth &&
            nowNs - lastIntakeNs < coalesceWindowNs;
        if (hold != intakeHeld)
        {
            intakeHeld = hold;
            if (hold)
            {
                counters.increment(NbdCounters.INTAKE_HOLDS_OFFSET);
            }
            if (null != acceptWatchKey && acceptWatchKey.isValid())
            {
                acceptWatchKey.interestOps(hold ? 0 : SelectionKey.OP_ACCEPT);
            }
            if (null != serviceWatchKey && serviceWatchKey.isValid())
            {
                serviceWatchKey.interestOps(hold ? 0 : SelectionKey.OP_ACCEPT);
            }
            for (final NbdConnection connection : connections)
            {
                if (null != connection)
                {
                    connection.holdIntake(hold);
                }
            }
        }
        if (!hold)
        {
            lastIntakeNs = nowNs;
        }
        return !hold;
    }

    private void onSelectedKey(final SelectionKey key)
    {
        if (!key.isValid())
        {
            return;
        }
        final Object attachment = key.attachment();
        if (null == attachment)
        {
            accept(serverChannel, false);
            return;
        }
        if (SERVICE == attachment)
        {
            accept(serviceChannel, true);
            return;
        }
        final NbdConnection connection = (NbdConnection)attachment;
        final int readyOps = key.readyOps();
        if (0 != (readyOps & SelectionKey.OP_READ))
        {
            connection.onReadable();
        }
        if (0 != (readyOps & SelectionKey.OP_WRITE) && !connection.isClosed())
        {
            connection.onWritable();
        }
    }

    private void accept(final ServerSocketChannel listener, final boolean viaService)
    {
        for (int i = 0; i < ACCEPTS_PER_CYCLE; i++)
        {
            SocketChannel channel = null;
            try
            {
                channel = listener.accept();
                if (null == channel)
                {
                    return;
                }
                counters.increment(NbdCounters.CONNECTIONS_ACCEPTED_OFFSET);
                if (0 == freeConnectionCount)
                {
                    counters.increment(NbdCounters.CONNECTIONS_REJECTED_OFFSET);
                    channel.close();
                    continue;
                }
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                final int index = freeConnections[--freeConnectionCount];
                NbdConnection connection = connections[index];
                if (null == connection)
                {
                    connection = new NbdConnection(index, this, ctx, slots, dispatcher, options, counters);
                    connections[index] = connection;
                }
                final SelectionKey key = channel.register(selector, SelectionKey.OP_READ, connection);
                final SelectionKey watchKey = null == watcher ? null : watcher.watch(channel, SelectionKey.OP_READ);
                counters.increment(NbdCounters.ACTIVE_CONNECTIONS_OFFSET);
                connection.open(channel, key, watchKey, nowNs, viaService);
            }
            catch (final IOException ex)
            {
                CloseHelper.quietClose(channel);
                ctx.errorHandler().onError(ex);
                return;
            }
        }
    }

    private int unparkAll()
    {
        int unparked = 0;
        for (final NbdConnection connection : connections)
        {
            if (null != connection)
            {
                final int before = parkedCount;
                connection.unpark();
                unparked += before - parkedCount;
            }
        }
        return unparked;
    }

    private int flushDirty()
    {
        final int count = dirtyCount;
        for (int i = 0; i < dirtyCount; i++)
        {
            final NbdConnection connection = dirty[i];
            dirty[i] = null;
            connection.flush();
        }
        dirtyCount = 0;
        return count;
    }

    private int closeLateConnections()
    {
        int closed = 0;
        final long idleSinceNs = nowNs - idleTimeoutNs;
        for (final NbdConnection connection : connections)
        {
            if (null == connection)
            {
                continue;
            }
            if (connection.isHandshaking() && nowNs - connection.openedNs() > handshakeTimeoutNs)
            {
                counters.increment(NbdCounters.HANDSHAKE_TIMEOUTS_OFFSET);
                connection.close();
                closed++;
            }
            else if (connection.isIdleSince(idleSinceNs))
            {
                counters.increment(NbdCounters.IDLE_TIMEOUTS_OFFSET);
                connection.close();
                closed++;
            }
        }
        return closed;
    }

    /**
     * Lets held-back connections read again, starting one further along each time, so that the first in the array
     * does not take every slot and byte freed while the others wait.
     */
    private void resumeThrottled()
    {
        final int length = connections.length;
        final int start = resumeCursor;
        resumeCursor = start + 1 == length ? 0 : start + 1;
        for (int i = 0; i < length; i++)
        {
            final int index = start + i < length ? start + i : start + i - length;
            final NbdConnection connection = connections[index];
            if (null != connection && connection.isThrottled())
            {
                connection.resume();
            }
        }
    }
}
