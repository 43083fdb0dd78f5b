package io.tandem.interconnect;

import io.tandem.interconnect.idle.ChannelWatcher;
import io.tandem.interconnect.path.PathFaults;
import org.agrona.BitUtil;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Configuration of one interconnect endpoint (the primary's sender or the secondary's receiver), concluded once by
 * {@link InterconnectEndpoint#launchSender(InterconnectContext)} or
 * {@link InterconnectEndpoint#launchReceiver(InterconnectContext)}. Both ends must agree on the cluster id, the
 * epoch, the path count, addresses and ports, the stream count, the window and the record size limit. Every
 * setting has a default that works on loopback with no configuration, read from a system property where named.
 * <p>
 * Path {@code i} uses {@code pathAddress(i):dataPortBase+i} for records and {@code pathAddress(i):ackPortBase+i}
 * for acks and heartbeats (see {@link io.tandem.interconnect.path.PathChannels}).
 * <p>
 * Not thread-safe: fill it on one thread, then hand it to the endpoint.
 */
public final class InterconnectContext
{
    public static final String DIRECTORY_PROP_NAME = "tandem.interconnect.dir";
    /** Under /dev/shm when it exists (Aeron's buffers are memory-mapped files), else the temp directory. */
    public static final String DIRECTORY_DEFAULT = Files.isDirectory(Path.of("/dev/shm")) ?
        "/dev/shm/tandem-interconnect" : System.getProperty("java.io.tmpdir") + "/tandem-interconnect";

    public static final String CLUSTER_ID_PROP_NAME = "tandem.interconnect.clusterId";
    public static final long CLUSTER_ID_DEFAULT = 1;

    public static final String EPOCH_PROP_NAME = "tandem.interconnect.epoch";
    public static final long EPOCH_DEFAULT = 1;

    public static final String PATH_COUNT_PROP_NAME = "tandem.interconnect.paths";
    public static final int PATH_COUNT_DEFAULT = 2;
    public static final int MAX_PATHS = PathFaults.MAX_PATHS;

    /** Comma-separated, one per path; the last one is used for paths beyond the list. */
    public static final String PATH_ADDRESSES_PROP_NAME = "tandem.interconnect.addresses";
    public static final String PATH_ADDRESSES_DEFAULT = "127.0.0.1";

    public static final String DATA_PORT_BASE_PROP_NAME = "tandem.interconnect.dataPortBase";
    public static final int DATA_PORT_BASE_DEFAULT = 24610;

    public static final String ACK_PORT_BASE_PROP_NAME = "tandem.interconnect.ackPortBase";
    public static final int ACK_PORT_BASE_DEFAULT = 24630;

    public static final String STREAM_COUNT_PROP_NAME = "tandem.interconnect.streams";
    public static final int STREAM_COUNT_DEFAULT = 8;
    public static final int MAX_STREAMS = 64;

    public static final String MAX_RECORD_LENGTH_PROP_NAME = "tandem.interconnect.maxRecordLength";
    public static final int MAX_RECORD_LENGTH_DEFAULT = 16 * 1024;

    /** Bytes of encoded frames sent and not acknowledged, per stream. */
    public static final String WINDOW_BYTES_PROP_NAME = "tandem.interconnect.windowBytes";
    public static final int WINDOW_BYTES_DEFAULT = 1024 * 1024;

    /** Records sent and not acknowledged, per stream; also the receiver's hold-back slots per stream. */
    public static final String WINDOW_RECORDS_PROP_NAME = "tandem.interconnect.windowRecords";
    public static final int WINDOW_RECORDS_DEFAULT = 128;

    public static final String HEARTBEAT_INTERVAL_PROP_NAME = "tandem.interconnect.heartbeatIntervalNs";
    public static final long HEARTBEAT_INTERVAL_NS_DEFAULT = TimeUnit.MILLISECONDS.toNanos(20);

    /** Silence after which a path is declared down. */
    public static final String PATH_TIMEOUT_PROP_NAME = "tandem.interconnect.pathTimeoutNs";
    public static final long PATH_TIMEOUT_NS_DEFAULT = TimeUnit.MILLISECONDS.toNanos(200);

    /** No ack progress on a stream with records outstanding for this long: send them again (safety net). */
    public static final String RESEND_TIMEOUT_PROP_NAME = "tandem.interconnect.resendTimeoutNs";
    public static final long RESEND_TIMEOUT_NS_DEFAULT = TimeUnit.MILLISECONDS.toNanos(1000);

    public static final String MTU_LENGTH_PROP_NAME = "tandem.interconnect.mtu";
    public static final int MTU_LENGTH_DEFAULT = 65504;

    /**
     * Length of each term of a path's data publication. Aeron cleans every term a term's length behind the
     * publisher and the image, so the smaller the term, the more of what it cleans and then writes is still in
     * the core's cache: at 2 MiB (three terms of 6 MiB, against 48 MiB at 16 MiB) the pair moved 64 KiB writes
     * about 6% faster for about 10% less CPU, and 4 KiB writes 3% faster (bench/README.md). Aeron keeps the
     * flow-control window within half a term, 1 MiB here; the largest record it takes is an eighth of one.
     */
    public static final String TERM_LENGTH_PROP_NAME = "tandem.interconnect.termLength";
    public static final int TERM_LENGTH_DEFAULT = 2 * 1024 * 1024;

    /**
     * Bytes a path's data may have in flight before the secondary's driver grants more (Aeron's receiver window),
     * and the size of the secondary's UDP receive buffer for it, which must hold the window or the kernel drops
     * datagrams that Aeron then has to NAK and resend. Aeron's defaults (128 KiB for both) hold two 64 KiB writes:
     * on this kind of machine 64 KiB records between two JVMs then moved at about 210 MB/s, at 2 MiB at about
     * 1.3 GB/s (bench/README.md). Kept at or below the kernel's {@code net.core.rmem_max}, which caps the buffer.
     */
    public static final String RECEIVER_WINDOW_PROP_NAME = "tandem.interconnect.receiverWindow";
    public static final int RECEIVER_WINDOW_DEFAULT = 2 * 1024 * 1024;

    /** Aeron's own timeouts, low so the driver follows a pulled path in about half a second (FACTS.md). */
    public static final String DRIVER_TIMEOUT_PROP_NAME = "tandem.interconnect.driverTimeoutNs";
    public static final long DRIVER_TIMEOUT_NS_DEFAULT = TimeUnit.MILLISECONDS.toNanos(500);

    public static final String DRIVER_TIMER_INTERVAL_PROP_NAME = "tandem.interconnect.driverTimerIntervalNs";
    public static final long DRIVER_TIMER_INTERVAL_NS_DEFAULT = TimeUnit.MILLISECONDS.toNanos(100);

    /**
     * Agrona's transport pollers read every socket of a driver with its own {@code recvfrom} each duty cycle until
     * there are more than this many, and use one {@code epoll} select beyond. On this kind of machine each idle
     * socket so read added about 30 us to a round trip per extra path (two sockets per path per driver); with the
     * select every path costs about 3 us. JVM-wide and read once, when the first media driver starts, so it is
     * set by {@link #applyJvmWideDefaults()} rather than per context; an explicit -D setting wins.
     */
    public static final String TRANSPORT_ITERATION_THRESHOLD_PROP_NAME = "org.agrona.transport.iteration.threshold";
    public static final String TRANSPORT_ITERATION_THRESHOLD_DEFAULT = "0";

    /**
     * Whether the embedded media driver runs in the endpoint's own duty cycle (Aeron's INVOKER threading) instead
     * of on a thread of its own.
     */
    public static final String INVOKED_DRIVER_PROP_NAME = "tandem.interconnect.invokedDriver";
    public static final boolean INVOKED_DRIVER_DEFAULT = false;

    private Path directory = Path.of(System.getProperty(DIRECTORY_PROP_NAME, DIRECTORY_DEFAULT));
    private String endpointName;
    private long clusterId = Long.getLong(CLUSTER_ID_PROP_NAME, CLUSTER_ID_DEFAULT);
    private long epoch = Long.getLong(EPOCH_PROP_NAME, EPOCH_DEFAULT);
    private int pathCount = Integer.getInteger(PATH_COUNT_PROP_NAME, PATH_COUNT_DEFAULT);
    private String pathAddresses = System.getProperty(PATH_ADDRESSES_PROP_NAME, PATH_ADDRESSES_DEFAULT);
    private int dataPortBase = Integer.getInteger(DATA_PORT_BASE_PROP_NAME, DATA_PORT_BASE_DEFAULT);
    private int ackPortBase = Integer.getInteger(ACK_PORT_BASE_PROP_NAME, ACK_PORT_BASE_DEFAULT);
    private int streamCount = Integer.getInteger(STREAM_COUNT_PROP_NAME, STREAM_COUNT_DEFAULT);
    private int maxRecordLength = Integer.getInteger(MAX_RECORD_LENGTH_PROP_NAME, MAX_RECORD_LENGTH_DEFAULT);
    private int windowBytes = Integer.getInteger(WINDOW_BYTES_PROP_NAME, WINDOW_BYTES_DEFAULT);
    private int windowRecords = Integer.getInteger(WINDOW_RECORDS_PROP_NAME, WINDOW_RECORDS_DEFAULT);
    private long heartbeatIntervalNs = Long.getLong(HEARTBEAT_INTERVAL_PROP_NAME, HEARTBEAT_INTERVAL_NS_DEFAULT);
    private long pathTimeoutNs = Long.getLong(PATH_TIMEOUT_PROP_NAME, PATH_TIMEOUT_NS_DEFAULT);
    private long resendTimeoutNs = Long.getLong(RESEND_TIMEOUT_PROP_NAME, RESEND_TIMEOUT_NS_DEFAULT);
    private int mtuLength = Integer.getInteger(MTU_LENGTH_PROP_NAME, MTU_LENGTH_DEFAULT);
    private int termLength = Integer.getInteger(TERM_LENGTH_PROP_NAME, TERM_LENGTH_DEFAULT);
    private int receiverWindow = Integer.getInteger(RECEIVER_WINDOW_PROP_NAME, RECEIVER_WINDOW_DEFAULT);
    private long driverTimeoutNs = Long.getLong(DRIVER_TIMEOUT_PROP_NAME, DRIVER_TIMEOUT_NS_DEFAULT);
    private long driverTimerIntervalNs = Long.getLong(
        DRIVER_TIMER_INTERVAL_PROP_NAME, DRIVER_TIMER_INTERVAL_NS_DEFAULT);
    private boolean useAgentInvoker;
    private boolean invokedDriver = Boolean.parseBoolean(
        System.getProperty(INVOKED_DRIVER_PROP_NAME, Boolean.toString(INVOKED_DRIVER_DEFAULT)));
    private ChannelWatcher channelWatcher;
    private DriverSpares driverSpares;
    private RetiredEndpoints retiredEndpoints;
    private NanoClock nanoClock;
    private IdleStrategy idleStrategy;
    private ErrorHandler errorHandler;
    private AckHandler ackHandler;
    private RecordSink recordSink;
    private long[] firstSequences;
    private String[] addresses;
    private boolean concluded;

    /**
     * Checks every setting and fills the defaults that need objects.
     *
     * @return this.
     * @throws IllegalArgumentException naming the setting that is wrong.
     */
    public InterconnectContext conclude()
    {
        if (concluded)
        {
            throw new IllegalStateException("context already concluded");
        }
        if (null == directory)
        {
            throw new IllegalArgumentException("directory must be set");
        }
        if (null == endpointName || endpointName.isEmpty() || endpointName.contains("/"))
        {
            throw new IllegalArgumentException("endpointName must be a plain file name: " + endpointName);
        }
        if (pathCount < 1 || pathCount > MAX_PATHS)
        {
            throw new IllegalArgumentException("paths must be 1.." + MAX_PATHS + ": " + pathCount);
        }
        if (null != channelWatcher && !(invokedDriver && useAgentInvoker))
        {
            throw new IllegalArgumentException("a channelWatcher needs invokedDriver and useAgentInvoker: the frames " +
                "it wakes the agent for must be read on the agent's own thread");
        }
        addresses = pathAddresses.split(",");
        for (final String address : addresses)
        {
            if (!address.trim().startsWith("127."))
            {
                throw new IllegalArgumentException("path addresses must be on loopback 127.0.0.0/8: " + address);
            }
        }
        checkPort("dataPortBase", dataPortBase);
        checkPort("ackPortBase", ackPortBase);
        if (Math.abs(dataPortBase - ackPortBase) < pathCount)
        {
            throw new IllegalArgumentException("data and ack port ranges overlap: " + dataPortBase + ", " +
                ackPortBase);
        }
        if (streamCount < 1 || streamCount > MAX_STREAMS)
        {
            throw new IllegalArgumentException("streams must be 1.." + MAX_STREAMS + ": " + streamCount);
        }
        if (maxRecordLength < 1)
        {
            throw new IllegalArgumentException("maxRecordLength must be >= 1: " + maxRecordLength);
        }
        if (windowRecords < 2 || !BitUtil.isPowerOfTwo(windowRecords))
        {
            throw new IllegalArgumentException("windowRecords must be a power of two >= 2: " + windowRecords);
        }
        if (windowBytes < 2 * (maxRecordLength + 64))
        {
            throw new IllegalArgumentException("windowBytes must hold at least two records of maxRecordLength: " +
                windowBytes);
        }
        if (heartbeatIntervalNs <= 0 || pathTimeoutNs < 2 * heartbeatIntervalNs)
        {
            throw new IllegalArgumentException("pathTimeoutNs must be >= 2 heartbeat intervals: " + pathTimeoutNs +
                " vs " + heartbeatIntervalNs);
        }
        if (resendTimeoutNs < pathTimeoutNs)
        {
            throw new IllegalArgumentException("resendTimeoutNs must be >= pathTimeoutNs: " + resendTimeoutNs);
        }
        if (mtuLength < 1408 || mtuLength > 65504 || mtuLength % 32 != 0)
        {
            throw new IllegalArgumentException("mtu must be a multiple of 32 in 1408..65504: " + mtuLength);
        }
        if (termLength < 64 * 1024 || !BitUtil.isPowerOfTwo(termLength) || termLength / 8 < windowBytes / 4)
        {
            throw new IllegalArgumentException("termLength must be a power of two >= 64 KiB and large for the " +
                "window: " + termLength);
        }
        if (termLength / 8 < io.tandem.interconnect.protocol.DataFrame.frameLength(maxRecordLength))
        {
            throw new IllegalArgumentException("termLength " + termLength + " is too short for records of " +
                maxRecordLength + " bytes: Aeron takes messages of at most an eighth of a term");
        }
        if (receiverWindow < mtuLength)
        {
            // Aeron itself keeps the window within half the publisher's term
            throw new IllegalArgumentException("receiverWindow must be at least the mtu: " + receiverWindow);
        }
        if (null != firstSequences)
        {
            if (firstSequences.length != streamCount)
            {
                throw new IllegalArgumentException("firstSequences needs one entry per stream: " +
                    firstSequences.length + " for " + streamCount);
            }
            for (final long sequence : firstSequences)
            {
                if (sequence < 1)
                {
                    throw new IllegalArgumentException("first sequences must be >= 1: " + sequence);
                }
            }
        }
        if (null == nanoClock)
        {
            nanoClock = SystemNanoClock.INSTANCE;
        }
        if (null == idleStrategy)
        {
            idleStrategy = new BackoffIdleStrategy();
        }
        if (null == errorHandler)
        {
            errorHandler = Throwable::printStackTrace;
        }
        concluded = true;
        return this;
    }

    /**
     * Sets the JVM-wide driver tunings the interconnect relies on, unless already set: call before the first media
     * driver of the JVM starts ({@link InterconnectEndpoint} does).
     */
    public static void applyJvmWideDefaults()
    {
        if (null == System.getProperty(TRANSPORT_ITERATION_THRESHOLD_PROP_NAME))
        {
            System.setProperty(TRANSPORT_ITERATION_THRESHOLD_PROP_NAME, TRANSPORT_ITERATION_THRESHOLD_DEFAULT);
        }
    }

    private static void checkPort(final String name, final int port)
    {
        if (port < 1024 || port + MAX_PATHS > 65535)
        {
            throw new IllegalArgumentException(name + " must be in 1024.." + (65535 - MAX_PATHS) + ": " + port);
        }
    }

    /**
     * @return where the endpoint's Aeron directory is made: {@code directory/endpointName}, deleted on close.
     */
    public Path directory()
    {
        return directory;
    }

    public InterconnectContext directory(final Path directory)
    {
        this.directory = directory;
        return this;
    }

    /**
     * @return the name of this endpoint's Aeron directory under {@link #directory()} and of its counters; defaults
     * to "primary" for a sender and "secondary" for a receiver.
     */
    public String endpointName()
    {
        return endpointName;
    }

    public InterconnectContext endpointName(final String endpointName)
    {
        this.endpointName = endpointName;
        return this;
    }

    /**
     * @return the Aeron directory of this endpoint.
     */
    public Path aeronDirectory()
    {
        return directory.resolve(endpointName);
    }

    public long clusterId()
    {
        return clusterId;
    }

    public InterconnectContext clusterId(final long clusterId)
    {
        this.clusterId = clusterId;
        return this;
    }

    /**
     * @return the epoch this endpoint runs in: frames of another epoch are refused and counted.
     */
    public long epoch()
    {
        return epoch;
    }

    public InterconnectContext epoch(final long epoch)
    {
        this.epoch = epoch;
        return this;
    }

    public int pathCount()
    {
        return pathCount;
    }

    public InterconnectContext pathCount(final int pathCount)
    {
        this.pathCount = pathCount;
        return this;
    }

    public String pathAddresses()
    {
        return pathAddresses;
    }

    /**
     * @param pathAddresses comma-separated 127.x.y.z addresses, one per path (the last repeats).
     */
    public InterconnectContext pathAddresses(final String pathAddresses)
    {
        this.pathAddresses = pathAddresses;
        return this;
    }

    /**
     * @return the loopback address path {@code path} binds on both sides (after {@link #conclude()}).
     */
    public String pathAddress(final int path)
    {
        return addresses[Math.min(path, addresses.length - 1)].trim();
    }

    public int dataPortBase()
    {
        return dataPortBase;
    }

    public InterconnectContext dataPortBase(final int dataPortBase)
    {
        this.dataPortBase = dataPortBase;
        return this;
    }

    public int ackPortBase()
    {
        return ackPortBase;
    }

    public InterconnectContext ackPortBase(final int ackPortBase)
    {
        this.ackPortBase = ackPortBase;
        return this;
    }

    /**
     * @return streams are numbered 0 to streamCount - 1.
     */
    public int streamCount()
    {
        return streamCount;
    }

    public InterconnectContext streamCount(final int streamCount)
    {
        this.streamCount = streamCount;
        return this;
    }

    public int maxRecordLength()
    {
        return maxRecordLength;
    }

    public InterconnectContext maxRecordLength(final int maxRecordLength)
    {
        this.maxRecordLength = maxRecordLength;
        return this;
    }

    public int windowBytes()
    {
        return windowBytes;
    }

    public InterconnectContext windowBytes(final int windowBytes)
    {
        this.windowBytes = windowBytes;
        return this;
    }

    public int windowRecords()
    {
        return windowRecords;
    }

    public InterconnectContext windowRecords(final int windowRecords)
    {
        this.windowRecords = windowRecords;
        return this;
    }

    public long heartbeatIntervalNs()
    {
        return heartbeatIntervalNs;
    }

    public InterconnectContext heartbeatIntervalNs(final long heartbeatIntervalNs)
    {
        this.heartbeatIntervalNs = heartbeatIntervalNs;
        return this;
    }

    public long pathTimeoutNs()
    {
        return pathTimeoutNs;
    }

    public InterconnectContext pathTimeoutNs(final long pathTimeoutNs)
    {
        this.pathTimeoutNs = pathTimeoutNs;
        return this;
    }

    public long resendTimeoutNs()
    {
        return resendTimeoutNs;
    }

    public InterconnectContext resendTimeoutNs(final long resendTimeoutNs)
    {
        this.resendTimeoutNs = resendTimeoutNs;
        return this;
    }

    public int mtuLength()
    {
        return mtuLength;
    }

    public InterconnectContext mtuLength(final int mtuLength)
    {
        this.mtuLength = mtuLength;
        return this;
    }

    public int termLength()
    {
        return termLength;
    }

    public InterconnectContext termLength(final int termLength)
    {
        this.termLength = termLength;
        return this;
    }

    /**
     * @return the receiver window (and receive buffer) asked for each path's data channel.
     * @see #RECEIVER_WINDOW_PROP_NAME
     */
    public int receiverWindow()
    {
        return receiverWindow;
    }

    public InterconnectContext receiverWindow(final int receiverWindow)
    {
        this.receiverWindow = receiverWindow;
        return this;
    }

    /**
     * @return the media driver's publication connection timeout and image liveness timeout.
     */
    public long driverTimeoutNs()
    {
        return driverTimeoutNs;
    }

    public InterconnectContext driverTimeoutNs(final long driverTimeoutNs)
    {
        this.driverTimeoutNs = driverTimeoutNs;
        return this;
    }

    public long driverTimerIntervalNs()
    {
        return driverTimerIntervalNs;
    }

    public InterconnectContext driverTimerIntervalNs(final long driverTimerIntervalNs)
    {
        this.driverTimerIntervalNs = driverTimerIntervalNs;
        return this;
    }

    /**
     * @return true when the endpoint's duty cycle is stepped by the caller through
     * {@link InterconnectEndpoint#invoker()} instead of running on its own thread. A sender always runs this way
     * (its {@code offer} and its duty cycle share the caller's thread); for a receiver it makes tests
     * deterministic.
     */
    public boolean useAgentInvoker()
    {
        return useAgentInvoker;
    }

    public InterconnectContext useAgentInvoker(final boolean useAgentInvoker)
    {
        this.useAgentInvoker = useAgentInvoker;
        return this;
    }

    public boolean invokedDriver()
    {
        return invokedDriver;
    }

    /**
     * @param invokedDriver the media driver is stepped in the endpoint's duty cycle (no driver thread): one thread
     *                      fewer to wake per frame, at the price of the driver running only as often as the duty
     *                      cycle does.
     */
    public InterconnectContext invokedDriver(final boolean invokedDriver)
    {
        this.invokedDriver = invokedDriver;
        return this;
    }

    /**
     * @return where the endpoint takes a media driver launched ahead of time from, or null (the default) to launch
     * its own in {@link #aeronDirectory()}.
     */
    public DriverSpares driverSpares()
    {
        return driverSpares;
    }

    public InterconnectContext driverSpares(final DriverSpares driverSpares)
    {
        this.driverSpares = driverSpares;
        return this;
    }

    /**
     * @return where the endpoints this one follows were retired to, or null (the default): the endpoint closes
     * the retired ones of its kind before it binds their ports.
     */
    public RetiredEndpoints retiredEndpoints()
    {
        return retiredEndpoints;
    }

    public InterconnectContext retiredEndpoints(final RetiredEndpoints retiredEndpoints)
    {
        this.retiredEndpoints = retiredEndpoints;
        return this;
    }

    public ChannelWatcher channelWatcher()
    {
        return channelWatcher;
    }

    /**
     * @param channelWatcher told of every UDP socket the driver opens, so that the agent stepping the endpoint can
     *                       sleep until a frame arrives ({@link io.tandem.interconnect.idle.SelectorIdleStrategy});
     *                       only with {@link #invokedDriver(boolean)} and {@link #useAgentInvoker(boolean)}.
     */
    public InterconnectContext channelWatcher(final ChannelWatcher channelWatcher)
    {
        this.channelWatcher = channelWatcher;
        return this;
    }

    /**
     * @return the sequence each stream starts at on both ends: 1 for a fresh mirror; after a resync, the next
     * sequence of each stream's log, so the mirror carries on where the copied state ends.
     */
    public long firstSequence(final int stream)
    {
        return null == firstSequences ? 1 : firstSequences[stream];
    }

    /**
     * @param firstSequences one per stream, or null for all 1; the array is copied.
     */
    public InterconnectContext firstSequences(final long[] firstSequences)
    {
        this.firstSequences = null == firstSequences ? null : firstSequences.clone();
        return this;
    }

    public NanoClock nanoClock()
    {
        return nanoClock;
    }

    public InterconnectContext nanoClock(final NanoClock nanoClock)
    {
        this.nanoClock = nanoClock;
        return this;
    }

    /**
     * @return how the driver's thread and the endpoint's thread idle.
     */
    public IdleStrategy idleStrategy()
    {
        return idleStrategy;
    }

    public InterconnectContext idleStrategy(final IdleStrategy idleStrategy)
    {
        this.idleStrategy = idleStrategy;
        return this;
    }

    public ErrorHandler errorHandler()
    {
        return errorHandler;
    }

    public InterconnectContext errorHandler(final ErrorHandler errorHandler)
    {
        this.errorHandler = errorHandler;
        return this;
    }

    /**
     * @return told of acks on the sender; may be null.
     */
    public AckHandler ackHandler()
    {
        return ackHandler;
    }

    public InterconnectContext ackHandler(final AckHandler ackHandler)
    {
        this.ackHandler = ackHandler;
        return this;
    }

    /**
     * @return where a receiver hands records; required for a receiver.
     */
    public RecordSink recordSink()
    {
        return recordSink;
    }

    public InterconnectContext recordSink(final RecordSink recordSink)
    {
        this.recordSink = recordSink;
        return this;
    }
}
