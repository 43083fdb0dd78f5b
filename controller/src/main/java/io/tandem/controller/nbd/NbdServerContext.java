package io.tandem.controller.nbd;

import org.agrona.BitUtil;
import org.agrona.ErrorHandler;
import io.tandem.interconnect.idle.ChannelWatcher;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Configuration of one NBD server, concluded once by {@link NbdServer#launch(NbdServerContext)}. Every setting has
 * a default that works on loopback with no configuration, read from the system property named beside it; only the
 * {@link #volume()} must be given.
 * <p>
 * The export: one volume, reachable under the empty name (so {@code nbd://127.0.0.1:10809} works) and under
 * {@link #exportName()}. NBD_OPT_LIST names it by {@link #exportName()}.
 * <p>
 * Not thread-safe: fill it on one thread, then hand it to {@link NbdServer#launch(NbdServerContext)}.
 */
public final class NbdServerContext
{
    public static final String BIND_ADDRESS_PROP_NAME = "tandem.nbd.bindAddress";
    public static final String BIND_ADDRESS_DEFAULT = "127.0.0.1";

    /** 0 binds an ephemeral port; {@link NbdServer#port()} tells which. */
    public static final String PORT_PROP_NAME = "tandem.nbd.port";
    public static final int PORT_DEFAULT = NbdProtocol.DEFAULT_PORT;

    public static final String EXPORT_NAME_PROP_NAME = "tandem.nbd.exportName";
    public static final String EXPORT_NAME_DEFAULT = "tandem";

    public static final String EXPORT_DESCRIPTION_PROP_NAME = "tandem.nbd.exportDescription";
    public static final String EXPORT_DESCRIPTION_DEFAULT = "tandem mirrored volume";

    public static final String MAX_PAYLOAD_PROP_NAME = "tandem.nbd.maxPayload";
    public static final int MAX_PAYLOAD_DEFAULT = 32 << 20;

    public static final String MAX_CONNECTIONS_PROP_NAME = "tandem.nbd.maxConnections";
    public static final int MAX_CONNECTIONS_DEFAULT = 64;

    public static final String MAX_REQUESTS_PER_CONNECTION_PROP_NAME = "tandem.nbd.maxRequestsPerConnection";
    public static final int MAX_REQUESTS_PER_CONNECTION_DEFAULT = 128;

    public static final String SOCKET_BUFFER_LENGTH_PROP_NAME = "tandem.nbd.socketBufferLength";
    public static final int SOCKET_BUFFER_LENGTH_DEFAULT = 256 << 10;

    public static final String RETAINED_REQUEST_BUFFER_LENGTH_PROP_NAME = "tandem.nbd.retainedRequestBufferLength";
    public static final int RETAINED_REQUEST_BUFFER_LENGTH_DEFAULT = 1 << 20;

    /**
     * One budget for the request and reply data buffers of every connection together; beyond it requests wait,
     * unread, in their sockets.
     */
    public static final String MAX_BUFFER_BYTES_PROP_NAME = "tandem.nbd.maxBufferBytes";
    public static final long MAX_BUFFER_BYTES_DEFAULT = 256L << 20;

    public static final String READ_ONLY_PROP_NAME = "tandem.nbd.readOnly";
    public static final boolean READ_ONLY_DEFAULT = false;

    public static final String REFUSE_IO_PROP_NAME = "tandem.nbd.refuseIo";
    public static final boolean REFUSE_IO_DEFAULT = false;

    /** A client that has not reached transmission this long after connecting is disconnected. */
    public static final String HANDSHAKE_TIMEOUT_PROP_NAME = "tandem.nbd.handshakeTimeoutNs";
    public static final long HANDSHAKE_TIMEOUT_NS_DEFAULT = 10_000_000_000L;

    /**
     * A client in transmission with no request at the volume, from which nothing has been read and to which nothing
     * could be written this long, is disconnected: idle clients cannot hold every connection for ever.
     */
    public static final String IDLE_TIMEOUT_PROP_NAME = "tandem.nbd.idleTimeoutNs";
    public static final long IDLE_TIMEOUT_NS_DEFAULT = 60_000_000_000L;

    /**
     * Request coalescing, as a NIC moderates its interrupts: while at least this many requests are in flight the
     * server leaves new requests in the sockets, so that each read then takes a batch of them and the write path,
     * the mirror, the secondary's acknowledgements and the replies all move in batches too. 0 turns it off.
     */
    public static final String COALESCE_DEPTH_PROP_NAME = "tandem.nbd.coalesceDepth";
    public static final int COALESCE_DEPTH_DEFAULT = 8;

    /** The longest a waiting request is left unread while coalescing. */
    public static final String COALESCE_WINDOW_PROP_NAME = "tandem.nbd.coalesceWindowNs";
    public static final long COALESCE_WINDOW_NS_DEFAULT = 500_000L;

    /** Longest option data accepted in the handshake; names are at most 4096 bytes by the protocol. */
    public static final int MAX_OPTION_LENGTH = 16 << 10;

    /** A request is never left unread longer than this while coalescing (100 ms). */
    public static final long MAX_COALESCE_WINDOW_NS = 100_000_000L;

    /** Request slots and completion records are sized for every request that may be in flight at once. */
    public static final int MAX_REQUESTS_IN_FLIGHT = 1 << 20;

    /** The handshake needs room for the longest option and its replies. */
    public static final int MIN_SOCKET_BUFFER_LENGTH = 64 << 10;

    private String bindAddress = System.getProperty(BIND_ADDRESS_PROP_NAME, BIND_ADDRESS_DEFAULT);
    private int port = Integer.getInteger(PORT_PROP_NAME, PORT_DEFAULT);
    private String exportName = System.getProperty(EXPORT_NAME_PROP_NAME, EXPORT_NAME_DEFAULT);
    private String exportDescription = System.getProperty(EXPORT_DESCRIPTION_PROP_NAME, EXPORT_DESCRIPTION_DEFAULT);
    private int maxPayload = Integer.getInteger(MAX_PAYLOAD_PROP_NAME, MAX_PAYLOAD_DEFAULT);
    private int maxConnections = Integer.getInteger(MAX_CONNECTIONS_PROP_NAME, MAX_CONNECTIONS_DEFAULT);
    private int maxRequestsPerConnection = Integer.getInteger(
        MAX_REQUESTS_PER_CONNECTION_PROP_NAME, MAX_REQUESTS_PER_CONNECTION_DEFAULT);
    private int socketBufferLength = Integer.getInteger(SOCKET_BUFFER_LENGTH_PROP_NAME, SOCKET_BUFFER_LENGTH_DEFAULT);
    private int retainedRequestBufferLength = Integer.getInteger(
        RETAINED_REQUEST_BUFFER_LENGTH_PROP_NAME, RETAINED_REQUEST_BUFFER_LENGTH_DEFAULT);
    private long maxBufferBytes = Long.getLong(MAX_BUFFER_BYTES_PROP_NAME, MAX_BUFFER_BYTES_DEFAULT);
    private boolean readOnly = Boolean.parseBoolean(
        System.getProperty(READ_ONLY_PROP_NAME, Boolean.toString(READ_ONLY_DEFAULT)));
    private boolean refuseIo = Boolean.parseBoolean(
        System.getProperty(REFUSE_IO_PROP_NAME, Boolean.toString(REFUSE_IO_DEFAULT)));
    private int refuseIoError = NbdProtocol.ESHUTDOWN;
    private long handshakeTimeoutNs = Long.getLong(HANDSHAKE_TIMEOUT_PROP_NAME, HANDSHAKE_TIMEOUT_NS_DEFAULT);
    private long idleTimeoutNs = Long.getLong(IDLE_TIMEOUT_PROP_NAME, IDLE_TIMEOUT_NS_DEFAULT);
    private int coalesceDepth = Integer.getInteger(COALESCE_DEPTH_PROP_NAME, COALESCE_DEPTH_DEFAULT);
    private long coalesceWindowNs = Long.getLong(COALESCE_WINDOW_PROP_NAME, COALESCE_WINDOW_NS_DEFAULT);
    private NanoClock nanoClock;
    private boolean useAgentInvoker = false;
    private IdleStrategy idleStrategy;
    private ChannelWatcher channelWatcher;
    private ErrorHandler errorHandler;
    private BlockVolume volume;
    private NbdCounters counters;
    private boolean concluded;

    /**
     * Checks every setting and fills the defaults that need objects.
     *
     * @return this.
     * @throws IllegalArgumentException naming the setting that is wrong.
     */
    public NbdServerContext conclude()
    {
        if (concluded)
        {
            throw new IllegalStateException("context already concluded");
        }
        if (null == volume)
        {
            throw new IllegalArgumentException("volume must be set");
        }
        if (volume.size() <= 0)
        {
            throw new IllegalArgumentException("volume size must be positive: " + volume.size());
        }
        if (null == bindAddress || bindAddress.isEmpty())
        {
            throw new IllegalArgumentException("bindAddress must be set");
        }
        if (port < 0 || port > 65535)
        {
            throw new IllegalArgumentException("port must be 0 to 65535: " + port);
        }
        if (null == exportName || exportName.getBytes(StandardCharsets.UTF_8).length > 4096)
        {
            throw new IllegalArgumentException("exportName must be set and at most 4096 bytes: " + exportName);
        }
        if (null == exportDescription || exportDescription.getBytes(StandardCharsets.UTF_8).length > 4000)
        {
            throw new IllegalArgumentException("exportDescription must be set and at most 4000 bytes");
        }
        if (maxPayload < 4096 || !BitUtil.isPowerOfTwo(maxPayload) || maxPayload > (1 << 30))
        {
            throw new IllegalArgumentException("maxPayload must be a power of two from 4096 to 1 GiB: " + maxPayload);
        }
        if (maxConnections < 1)
        {
            throw new IllegalArgumentException("maxConnections must be >= 1: " + maxConnections);
        }
        if (maxRequestsPerConnection < 1)
        {
            throw new IllegalArgumentException("maxRequestsPerConnection must be >= 1: " + maxRequestsPerConnection);
        }
        if ((long)maxConnections * maxRequestsPerConnection > MAX_REQUESTS_IN_FLIGHT)
        {
            throw new IllegalArgumentException("maxConnections * maxRequestsPerConnection must be at most " +
                MAX_REQUESTS_IN_FLIGHT + ": " + maxConnections + " * " + maxRequestsPerConnection);
        }
        if (socketBufferLength < MIN_SOCKET_BUFFER_LENGTH)
        {
            throw new IllegalArgumentException(
                "socketBufferLength must be >= " + MIN_SOCKET_BUFFER_LENGTH + ": " + socketBufferLength);
        }
        if (retainedRequestBufferLength < 4096 || retainedRequestBufferLength > maxPayload)
        {
            throw new IllegalArgumentException(
                "retainedRequestBufferLength must be 4096 to maxPayload: " + retainedRequestBufferLength);
        }
        if (maxBufferBytes < maxPayload)
        {
            // the largest request must fit when nothing else is in flight, or it would wait for ever
            throw new IllegalArgumentException("maxBufferBytes must be >= maxPayload: " + maxBufferBytes);
        }
        if (refuseIoError <= 0)
        {
            throw new IllegalArgumentException("refuseIoError must be an NBD error: " + refuseIoError);
        }
        checkCoalescing("coalesceDepth", coalesceDepth, "coalesceWindowNs", coalesceWindowNs);
        if (handshakeTimeoutNs <= 0)
        {
            throw new IllegalArgumentException("handshakeTimeoutNs must be positive: " + handshakeTimeoutNs);
        }
        if (idleTimeoutNs <= 0)
        {
            throw new IllegalArgumentException("idleTimeoutNs must be positive: " + idleTimeoutNs);
        }
        if (null == nanoClock)
        {
            nanoClock = SystemNanoClock.INSTANCE;
        }
        if (null == idleStrategy)
        {
            idleStrategy = new BackoffIdleStrategy(100, 10, 1_000, 1_000_000);
        }
        if (null == channelWatcher && !useAgentInvoker && idleStrategy instanceof ChannelWatcher)
        {
            channelWatcher = (ChannelWatcher)idleStrategy;
        }
        if (null == errorHandler)
        {
            errorHandler = Throwable::printStackTrace;
        }
        if (null == counters)
        {
            counters = new NbdCounters();
        }
        concluded = true;
        return this;
    }

    public String bindAddress()
    {
        return bindAddress;
    }

    public NbdServerContext bindAddress(final String bindAddress)
    {
        this.bindAddress = bindAddress;
        return this;
    }

    public int port()
    {
        return port;
    }

    public NbdServerContext port(final int port)
    {
        this.port = port;
        return this;
    }

    /**
     * @return the name of the export besides the empty default name.
     */
    public String exportName()
    {
        return exportName;
    }

    public NbdServerContext exportName(final String exportName)
    {
        this.exportName = exportName;
        return this;
    }

    /**
     * @return the description sent as NBD_INFO_DESCRIPTION.
     */
    public String exportDescription()
    {
        return exportDescription;
    }

    public NbdServerContext exportDescription(final String exportDescription)
    {
        this.exportDescription = exportDescription;
        return this;
    }

    /**
     * @return the largest READ or WRITE payload accepted, advertised as the maximum of NBD_INFO_BLOCK_SIZE. A READ
     * asking for more gets EOVERFLOW; a WRITE carrying more is a protocol violation and closes its connection.
     */
    public int maxPayload()
    {
        return maxPayload;
    }

    public NbdServerContext maxPayload(final int maxPayload)
    {
        this.maxPayload = maxPayload;
        return this;
    }

    /**
     * @return how many clients may be connected at once; a further one is accepted and closed at once.
     */
    public int maxConnections()
    {
        return maxConnections;
    }

    public NbdServerContext maxConnections(final int maxConnections)
    {
        this.maxConnections = maxConnections;
        return this;
    }

    /**
     * @return how many requests of one connection may be in flight; beyond it the server stops reading from that
     * connection until replies go out (back pressure through TCP).
     */
    public int maxRequestsPerConnection()
    {
        return maxRequestsPerConnection;
    }

    public NbdServerContext maxRequestsPerConnection(final int maxRequestsPerConnection)
    {
        this.maxRequestsPerConnection = maxRequestsPerConnection;
        return this;
    }

    /**
     * @return the length of each connection's receive buffer and of its send buffer.
     */
    public int socketBufferLength()
    {
        return socketBufferLength;
    }

    public NbdServerContext socketBufferLength(final int socketBufferLength)
    {
        this.socketBufferLength = socketBufferLength;
        return this;
    }

    /**
     * @return request buffers up to this length are kept and reused (within {@link #maxBufferBytes()}, which frees
     * them when it needs the room); longer ones are allocated for the request and freed after it.
     */
    public int retainedRequestBufferLength()
    {
        return retainedRequestBufferLength;
    }

    public NbdServerContext retainedRequestBufferLength(final int retainedRequestBufferLength)
    {
        this.retainedRequestBufferLength = retainedRequestBufferLength;
        return this;
    }

    /**
     * @return the most bytes held at once in request and reply data buffers, across all connections: buffers kept
     * for reuse, buffers of requests in flight and of replies not yet copied out. A request that would pass it
     * stays unread in its socket, and its connection stops reading, until requests complete and free bytes; idle
     * buffers kept for reuse are freed first. At least {@link #maxPayload()}, so that any valid request fits when
     * nothing else is in flight. Besides it, each connection has its receive and send buffers of
     * {@link #socketBufferLength()}.
     */
    public long maxBufferBytes()
    {
        return maxBufferBytes;
    }

    public NbdServerContext maxBufferBytes(final long maxBufferBytes)
    {
        this.maxBufferBytes = maxBufferBytes;
        return this;
    }

    /**
     * @return true to advertise NBD_FLAG_READ_ONLY and refuse WRITE, TRIM and WRITE_ZEROES with EPERM.
     */
    public boolean readOnly()
    {
        return readOnly;
    }

    public NbdServerContext readOnly(final boolean readOnly)
    {
        this.readOnly = readOnly;
        return this;
    }

    /**
     * @return the initial refuse-I/O mode (see {@link NbdServer#refuseIo(boolean)}).
     */
    public boolean refuseIo()
    {
        return refuseIo;
    }

    public NbdServerContext refuseIo(final boolean refuseIo)
    {
        this.refuseIo = refuseIo;
        return this;
    }

    /**
     * @return the error every command gets in refuse-I/O mode; ESHUTDOWN by default, which tells a client to
     * disconnect.
     */
    public int refuseIoError()
    {
        return refuseIoError;
    }

    public NbdServerContext refuseIoError(final int refuseIoError)
    {
        this.refuseIoError = refuseIoError;
        return this;
    }

    /**
     * @return how long a client may take from connecting to entering transmission; a client still haggling (or
     * silent) after it is disconnected, so idle probes cannot hold connections forever.
     */
    public long handshakeTimeoutNs()
    {
        return handshakeTimeoutNs;
    }

    public NbdServerContext handshakeTimeoutNs(final long handshakeTimeoutNs)
    {
        this.handshakeTimeoutNs = handshakeTimeoutNs;
        return this;
    }

    /**
     * @return how long a client in transmission may leave its connection unused before it is disconnected, checked
     * every 100 ms on {@link #nanoClock()}. Unused: no request of its is with the volume, and nothing has been read
     * from it nor written to it for this long. That covers a client that has gone quiet and one that has stopped
     * reading its replies (whose buffers would otherwise be held against {@link #maxBufferBytes()} for ever); a
     * client the server itself holds back, waiting for slots or buffer bytes, is not counted as unused.
     */
    public long idleTimeoutNs()
    {
        return idleTimeoutNs;
    }

    public NbdServerContext idleTimeoutNs(final long idleTimeoutNs)
    {
        this.idleTimeoutNs = idleTimeoutNs;
        return this;
    }

    /**
     * Checks the coalescing settings, for this context and for whoever configures them before making one.
     *
     * @param depthName  what the caller calls the depth, for the message.
     * @param windowName what the caller calls the window, for the message.
     * @throws IllegalArgumentException naming the setting that is out of range.
     */
    public static void checkCoalescing(
        final String depthName, final int depth, final String windowName, final long windowNs)
    {
        if (depth < 0)
        {
            throw new IllegalArgumentException(depthName + " must be >= 0 (0 = off): " + depth);
        }
        if (windowNs < 0 || windowNs > MAX_COALESCE_WINDOW_NS)
        {
            throw new IllegalArgumentException(windowName + " must be 0 to " +
                TimeUnit.NANOSECONDS.toMillis(MAX_COALESCE_WINDOW_NS) + "ms: " + windowNs + " ns");
        }
    }

    /**
     * @return while at least this many requests are in flight, new ones wait in their sockets (at most
     * {@link #coalesceWindowNs()}) to be read in a batch; 0 when requests are read as soon as they arrive.
     */
    public int coalesceDepth()
    {
        return coalesceDepth;
    }

    public NbdServerContext coalesceDepth(final int coalesceDepth)
    {
        this.coalesceDepth = coalesceDepth;
        return this;
    }

    /**
     * @return the longest new requests are left unread while coalescing, counted from the last read. The agent may
     * be asleep when it passes, for up to its idle strategy's longest block (1 ms for the selector strategy).
     */
    public long coalesceWindowNs()
    {
        return coalesceWindowNs;
    }

    public NbdServerContext coalesceWindowNs(final long coalesceWindowNs)
    {
        this.coalesceWindowNs = coalesceWindowNs;
        return this;
    }

    /**
     * @return the clock read once per duty cycle; tests inject their own.
     */
    public NanoClock nanoClock()
    {
        return nanoClock;
    }

    public NbdServerContext nanoClock(final NanoClock nanoClock)
    {
        this.nanoClock = nanoClock;
        return this;
    }

    /**
     * @return true when the caller steps the server through {@link NbdServer#invoker()} instead of a thread of
     * its own; tests use it to be deterministic.
     */
    public boolean useAgentInvoker()
    {
        return useAgentInvoker;
    }

    public NbdServerContext useAgentInvoker(final boolean useAgentInvoker)
    {
        this.useAgentInvoker = useAgentInvoker;
        return this;
    }

    /**
     * @return how the server's thread idles when no client has anything for it.
     */
    public IdleStrategy idleStrategy()
    {
        return idleStrategy;
    }

    public NbdServerContext idleStrategy(final IdleStrategy idleStrategy)
    {
        this.idleStrategy = idleStrategy;
        return this;
    }

    /**
     * @return told of the listening socket and every client's, with the interest the server keeps on each, so the
     * thread stepping the server can sleep until a client needs it; by default the idle strategy when it is a
     * {@link ChannelWatcher} and the server has its own thread, else none.
     */
    public ChannelWatcher channelWatcher()
    {
        return channelWatcher;
    }

    public NbdServerContext channelWatcher(final ChannelWatcher channelWatcher)
    {
        this.channelWatcher = channelWatcher;
        return this;
    }

    /**
     * @return where errors the agent catches go (an exception escaping a duty cycle, a failing client socket).
     */
    public ErrorHandler errorHandler()
    {
        return errorHandler;
    }

    public NbdServerContext errorHandler(final ErrorHandler errorHandler)
    {
        this.errorHandler = errorHandler;
        return this;
    }

    /**
     * @return where the server counts what it does; by default counters of its own, else a region the caller
     * placed, e.g. in a memory-mapped status file.
     */
    public NbdCounters counters()
    {
        return counters;
    }

    public NbdServerContext counters(final NbdCounters counters)
    {
        this.counters = counters;
        return this;
    }

    /**
     * @return the volume served; the caller owns it and closes it after the server.
     */
    public BlockVolume volume()
    {
        return volume;
    }

    public NbdServerContext volume(final BlockVolume volume)
    {
        this.volume = volume;
        return this;
    }
}
