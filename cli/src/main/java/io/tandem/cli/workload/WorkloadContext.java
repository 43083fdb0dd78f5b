package io.tandem.cli.workload;

import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Everything a {@link Workload} run is told, with defaults that work against a tandem primary on loopback.
 * Fluent accessors; {@link #conclude()} checks the settings once, before the run.
 * <pre>{@code
 * WorkloadReport report = Workload.run(new WorkloadContext()
 *     .targets(List.of(new InetSocketAddress("127.0.0.1", 10809), new InetSocketAddress("127.0.0.1", 10810)))
 *     .ops(100_000)
 *     .queueDepth(32));
 * }</pre>
 * Not thread-safe: build it on one thread, then hand it to the run.
 */
public final class WorkloadContext
{
    public static final int BLOCK_SIZE_DEFAULT = 4096;
    public static final int MIN_BLOCK_SIZE = 512;
    public static final int QUEUE_DEPTH_DEFAULT = 16;
    public static final int MAX_QUEUE_DEPTH = 1024;
    public static final int CONNECTIONS_DEFAULT = 1;
    public static final int MAX_CONNECTIONS = 64;
    public static final long DURATION_NS_DEFAULT = TimeUnit.SECONDS.toNanos(10);
    public static final int READ_PERCENT_DEFAULT = 30;
    public static final long CONNECT_TIMEOUT_NS_DEFAULT = TimeUnit.SECONDS.toNanos(2);
    public static final long FAILOVER_TIMEOUT_NS_DEFAULT = TimeUnit.SECONDS.toNanos(30);
    public static final int FAILOVER_ATTEMPTS_DEFAULT = 10_000;
    /** Between connection attempts: short, so that the outage measured is the server's, not the client's wait. */
    public static final long RETRY_INTERVAL_NS_DEFAULT = TimeUnit.MILLISECONDS.toNanos(10);
    /** Verification errors described one by one in the report; the rest are counted. */
    public static final int ERROR_DETAILS_DEFAULT = 10;
    public static final long TIMELINE_INTERVAL_NS_DEFAULT = TimeUnit.MILLISECONDS.toNanos(100);
    /** A time without a completion at least this long is an outage in the timeline (unless stalls are reported). */
    public static final long TIMELINE_OUTAGE_NS_DEFAULT = TimeUnit.MILLISECONDS.toNanos(50);

    private List<InetSocketAddress> targets = new ArrayList<>();
    private int blockSize = BLOCK_SIZE_DEFAULT;
    private int queueDepth = QUEUE_DEPTH_DEFAULT;
    private int connections = CONNECTIONS_DEFAULT;
    private long durationNs = DURATION_NS_DEFAULT;
    private long ops;
    private long span;
    private int readPercent = READ_PERCENT_DEFAULT;
    private Long seed;
    private boolean seedGiven;
    private boolean verifyAtEnd = true;
    private boolean verifyOnly;
    private Path stateFile;
    private long progressIntervalNs;
    private long stallReportNs;
    private PrintWriter progressOut;
    private OutageMeter outageMeter;
    private java.util.concurrent.atomic.AtomicBoolean stopSignal;
    private long connectTimeoutNs = CONNECT_TIMEOUT_NS_DEFAULT;
    private long failoverTimeoutNs = FAILOVER_TIMEOUT_NS_DEFAULT;
    private int failoverAttempts = FAILOVER_ATTEMPTS_DEFAULT;
    private long retryIntervalNs = RETRY_INTERVAL_NS_DEFAULT;
    private int errorDetails = ERROR_DETAILS_DEFAULT;
    private Path timeline;
    private long timelineIntervalNs = TIMELINE_INTERVAL_NS_DEFAULT;
    private String timelineTitle;

    /**
     * Checks the settings and fills the seed if none was given.
     *
     * @throws IllegalArgumentException naming the setting that is wrong.
     */
    public WorkloadContext conclude()
    {
        if (targets.isEmpty())
        {
            throw new IllegalArgumentException("at least one target is needed");
        }
        if (blockSize < MIN_BLOCK_SIZE || blockSize % MIN_BLOCK_SIZE != 0)
        {
            throw new IllegalArgumentException("block size must be a multiple of " + MIN_BLOCK_SIZE + ": " + blockSize);
        }
        requireRange("queue depth", queueDepth, 1, MAX_QUEUE_DEPTH);
        requireRange("connections", connections, 1, MAX_CONNECTIONS);
        requireRange("read ratio", readPercent, 0, 100);
        if ((long)queueDepth * blockSize > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException("queue depth x block size must stay below 2 GiB");
        }
        if (null != timeline && timelineIntervalNs < TimeUnit.MILLISECONDS.toNanos(1))
        {
            throw new IllegalArgumentException("the timeline's interval must be 1 ms or more");
        }
        if (ops < 0 || durationNs < 0 || span < 0 || progressIntervalNs < 0 || stallReportNs < 0)
        {
            throw new IllegalArgumentException("ops, duration, span and progress interval cannot be negative");
        }
        if (0 == ops && 0 == durationNs && !verifyOnly)
        {
            throw new IllegalArgumentException("give a duration or a number of ops");
        }
        if (verifyOnly && null == stateFile)
        {
            throw new IllegalArgumentException("verify-only needs a state file");
        }
        if (connectTimeoutNs <= 0 || failoverTimeoutNs <= 0 || retryIntervalNs < 0 || failoverAttempts < 1)
        {
            throw new IllegalArgumentException("timeouts and attempts must be positive");
        }
        if (null == seed)
        {
            seed = BlockPattern.mix(System.nanoTime() ^ System.currentTimeMillis() << 20) & Long.MAX_VALUE;
        }
        return this;
    }

    public List<InetSocketAddress> targets()
    {
        return targets;
    }

    /**
     * The NBD servers to use, in order: the first reachable at the start, the next ones on failover.
     */
    public WorkloadContext targets(final List<InetSocketAddress> targets)
    {
        this.targets = new ArrayList<>(targets);
        return this;
    }

    public int blockSize()
    {
        return blockSize;
    }

    /**
     * Bytes per request and per verified block, a multiple of 512.
     */
    public WorkloadContext blockSize(final int blockSize)
    {
        this.blockSize = blockSize;
        return this;
    }

    public int queueDepth()
    {
        return queueDepth;
    }

    /**
     * Requests kept in flight on each connection.
     */
    public WorkloadContext queueDepth(final int queueDepth)
    {
        this.queueDepth = queueDepth;
        return this;
    }

    public int connections()
    {
        return connections;
    }

    public WorkloadContext connections(final int connections)
    {
        this.connections = connections;
        return this;
    }

    public long durationNs()
    {
        return durationNs;
    }

    /**
     * How long to issue requests; 0 for no limit (then {@link #ops} must be set). The first limit reached ends the
     * run.
     */
    public WorkloadContext durationNs(final long durationNs)
    {
        this.durationNs = durationNs;
        return this;
    }

    public long ops()
    {
        return ops;
    }

    /**
     * Reads and writes to issue in all; 0 for no limit.
     */
    public WorkloadContext ops(final long ops)
    {
        this.ops = ops;
        return this;
    }

    public long span()
    {
        return span;
    }

    /**
     * Bytes of the volume to use from offset 0; 0 for the whole export.
     */
    public WorkloadContext span(final long span)
    {
        this.span = span;
        return this;
    }

    public int readPercent()
    {
        return readPercent;
    }

    /**
     * Percentage of requests that are reads (of blocks already written), 0 to 100.
     */
    public WorkloadContext readPercent(final int readPercent)
    {
        this.readPercent = readPercent;
        return this;
    }

    public long seed()
    {
        return null == seed ? 0 : seed;
    }

    /**
     * @return true when the seed was given, not drawn at random by {@link #conclude()}.
     */
    public boolean hasSeed()
    {
        return seedGiven;
    }

    /**
     * Written into every block and drives the choice of blocks; random when not set.
     */
    public WorkloadContext seed(final long seed)
    {
        this.seed = seed;
        this.seedGiven = true;
        return this;
    }

    public boolean verifyAtEnd()
    {
        return verifyAtEnd;
    }

    /**
     * Read back every block with an acknowledged write once the run is over.
     */
    public WorkloadContext verifyAtEnd(final boolean verifyAtEnd)
    {
        this.verifyAtEnd = verifyAtEnd;
        return this;
    }

    public boolean verifyOnly()
    {
        return verifyOnly;
    }

    /**
     * Write nothing: check the volume against the {@link #stateFile} of an earlier run.
     */
    public WorkloadContext verifyOnly(final boolean verifyOnly)
    {
        this.verifyOnly = verifyOnly;
        return this;
    }

    public Path stateFile()
    {
        return stateFile;
    }

    /**
     * Where the record of acknowledged writes is kept: loaded at the start if it exists (the run goes on from it),
     * saved at the end.
     */
    public WorkloadContext stateFile(final Path stateFile)
    {
        this.stateFile = stateFile;
        return this;
    }

    public long progressIntervalNs()
    {
        return progressIntervalNs;
    }

    /**
     * Print a progress line this often; 0 for none.
     */
    public WorkloadContext progressIntervalNs(final long progressIntervalNs)
    {
        this.progressIntervalNs = progressIntervalNs;
        return this;
    }

    /**
     * @return report every time longer than this in which no request completed (a stall or a failover, as the
     * client saw it), as it ends; 0 (the default) reports none.
     */
    public long stallReportNs()
    {
        return stallReportNs;
    }

    public WorkloadContext stallReportNs(final long stallReportNs)
    {
        this.stallReportNs = stallReportNs;
        return this;
    }

    /**
     * @return set to true by another thread to end the run phase early (then drain and verify as usual); null
     * for none.
     */
    public java.util.concurrent.atomic.AtomicBoolean stopSignal()
    {
        return stopSignal;
    }

    public WorkloadContext stopSignal(final java.util.concurrent.atomic.AtomicBoolean stopSignal)
    {
        this.stopSignal = stopSignal;
        return this;
    }

    /**
     * @return marked at every completed request, for another thread to read the outages the client saw; null
     * for none.
     */
    public OutageMeter outageMeter()
    {
        return outageMeter;
    }

    public WorkloadContext outageMeter(final OutageMeter outageMeter)
    {
        this.outageMeter = outageMeter;
        return this;
    }

    public PrintWriter progressOut()
    {
        return progressOut;
    }

    /**
     * Where progress lines and failover notices go; none when null.
     */
    public WorkloadContext progressOut(final PrintWriter progressOut)
    {
        this.progressOut = progressOut;
        return this;
    }

    public long connectTimeoutNs()
    {
        return connectTimeoutNs;
    }

    /**
     * Time allowed for one connection attempt, handshake included.
     */
    public WorkloadContext connectTimeoutNs(final long connectTimeoutNs)
    {
        this.connectTimeoutNs = connectTimeoutNs;
        return this;
    }

    public long failoverTimeoutNs()
    {
        return failoverTimeoutNs;
    }

    /**
     * How long a broken connection may take to find a target that serves again before the run fails.
     */
    public WorkloadContext failoverTimeoutNs(final long failoverTimeoutNs)
    {
        this.failoverTimeoutNs = failoverTimeoutNs;
        return this;
    }

    public int failoverAttempts()
    {
        return failoverAttempts;
    }

    /**
     * Connection attempts allowed for one failover.
     */
    public WorkloadContext failoverAttempts(final int failoverAttempts)
    {
        this.failoverAttempts = failoverAttempts;
        return this;
    }

    public long retryIntervalNs()
    {
        return retryIntervalNs;
    }

    /**
     * Pause between two connection attempts of a failover.
     */
    public WorkloadContext retryIntervalNs(final long retryIntervalNs)
    {
        this.retryIntervalNs = retryIntervalNs;
        return this;
    }

    public int errorDetails()
    {
        return errorDetails;
    }

    public WorkloadContext errorDetails(final int errorDetails)
    {
        this.errorDetails = errorDetails;
        return this;
    }

    public Path timeline()
    {
        return timeline;
    }

    /**
     * Where to write the run's timeline (created or replaced): per interval, throughput, latency percentiles and
     * errors, and the events the workload saw; null (the default) for none. Format in {@code TimelineFormat}.
     */
    public WorkloadContext timeline(final Path timeline)
    {
        this.timeline = timeline;
        return this;
    }

    public long timelineIntervalNs()
    {
        return timelineIntervalNs;
    }

    /**
     * The length of a timeline interval (100 ms).
     */
    public WorkloadContext timelineIntervalNs(final long timelineIntervalNs)
    {
        this.timelineIntervalNs = timelineIntervalNs;
        return this;
    }

    public String timelineTitle()
    {
        return timelineTitle;
    }

    /**
     * A title for the timeline's header, which a chart of it shows; null (the default) for none.
     */
    public WorkloadContext timelineTitle(final String timelineTitle)
    {
        this.timelineTitle = timelineTitle;
        return this;
    }

    /**
     * @return the shortest time without a completion that the timeline records as an outage: the stall report's
     * threshold when one is set, else {@link #TIMELINE_OUTAGE_NS_DEFAULT}.
     */
    public long timelineOutageNs()
    {
        return stallReportNs > 0 ? stallReportNs : TIMELINE_OUTAGE_NS_DEFAULT;
    }

    private static void requireRange(final String name, final int value, final int min, final int max)
    {
        if (value < min || value > max)
        {
            throw new IllegalArgumentException(name + " must be " + min + " to " + max + ": " + value);
        }
    }
}
