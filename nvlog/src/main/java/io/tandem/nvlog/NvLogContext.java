package io.tandem.nvlog;

import io.tandem.staging.NvramContext;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.SystemEpochClock;

/**
 * Configuration of one NVLog, concluded once by {@link NvLog#open(NvLogContext)}. Every setting has a default
 * that works with no configuration, read from a system property where one is named.
 * <p>
 * Not thread-safe: fill it on one thread, then hand it to {@link NvLog#open(NvLogContext)}.
 */
public final class NvLogContext
{
    public static final String CLUSTER_ID_PROP_NAME = "tandem.cluster.id";
    /** "TANDEM" in ASCII. */
    public static final long CLUSTER_ID_DEFAULT = 0x54414E44454DL;

    public static final String MAX_PAYLOAD_LENGTH_PROP_NAME = "tandem.nvlog.maxPayloadLength";
    public static final int MAX_PAYLOAD_LENGTH_DEFAULT = 1 << 20;

    public static final String STREAM_COUNT_PROP_NAME = "tandem.nvlog.streamCount";
    public static final int STREAM_COUNT_DEFAULT = 8;

    public static final String STRIPE_SIZE_PROP_NAME = "tandem.nvlog.stripeSize";
    public static final int STRIPE_SIZE_DEFAULT = 64 * 1024;

    private NvramContext nvram;
    private long clusterId = Long.getLong(CLUSTER_ID_PROP_NAME, CLUSTER_ID_DEFAULT);
    private int maxPayloadLength = Integer.getInteger(MAX_PAYLOAD_LENGTH_PROP_NAME, MAX_PAYLOAD_LENGTH_DEFAULT);
    private int streamCount = Integer.getInteger(STREAM_COUNT_PROP_NAME, STREAM_COUNT_DEFAULT);
    private int stripeSize = Integer.getInteger(STRIPE_SIZE_PROP_NAME, STRIPE_SIZE_DEFAULT);
    private boolean formatIfBlank = true;
    private EpochClock epochClock;
    private StreamPartitioner partitioner;
    private boolean concluded;

    /**
     * Checks every setting and fills the defaults that need objects. The NVRAM context is concluded when the
     * device is opened.
     *
     * @return this.
     * @throws IllegalArgumentException naming the setting that is wrong.
     */
    public NvLogContext conclude()
    {
        if (concluded)
        {
            throw new IllegalStateException("context already concluded");
        }
        if (null == nvram)
        {
            throw new IllegalArgumentException("nvram must be set: the device the log lives on");
        }
        if (maxPayloadLength < 1)
        {
            throw new IllegalArgumentException("maxPayloadLength must be >= 1: " + maxPayloadLength);
        }
        partitioner = new StreamPartitioner(streamCount, stripeSize);
        if (null == epochClock)
        {
            epochClock = SystemEpochClock.INSTANCE;
        }
        concluded = true;
        return this;
    }

    public NvramContext nvram()
    {
        return nvram;
    }

    /**
     * @param nvram the simulated NVRAM device the log lives on; the log opens and closes it.
     */
    public NvLogContext nvram(final NvramContext nvram)
    {
        this.nvram = nvram;
        return this;
    }

    /**
     * @return the cluster this log belongs to; a log formatted for another cluster is refused.
     */
    public long clusterId()
    {
        return clusterId;
    }

    public NvLogContext clusterId(final long clusterId)
    {
        this.clusterId = clusterId;
        return this;
    }

    /**
     * @return the largest payload one record may carry; a write is cut into pieces no larger than a stripe, so
     * the default leaves room for any stripe size up to 1 MiB.
     */
    public int maxPayloadLength()
    {
        return maxPayloadLength;
    }

    public NvLogContext maxPayloadLength(final int maxPayloadLength)
    {
        this.maxPayloadLength = maxPayloadLength;
        return this;
    }

    public int streamCount()
    {
        return streamCount;
    }

    public NvLogContext streamCount(final int streamCount)
    {
        this.streamCount = streamCount;
        return this;
    }

    public int stripeSize()
    {
        return stripeSize;
    }

    public NvLogContext stripeSize(final int stripeSize)
    {
        this.stripeSize = stripeSize;
        return this;
    }

    /**
     * @return the stream partitioning made from {@link #streamCount()} and {@link #stripeSize()}; set by
     * {@link #conclude()}.
     */
    public StreamPartitioner partitioner()
    {
        return partitioner;
    }

    /**
     * @return true (the default) to format a device whose header is blank; false to refuse it.
     */
    public boolean formatIfBlank()
    {
        return formatIfBlank;
    }

    public NvLogContext formatIfBlank(final boolean formatIfBlank)
    {
        this.formatIfBlank = formatIfBlank;
        return this;
    }

    public EpochClock epochClock()
    {
        return epochClock;
    }

    public NvLogContext epochClock(final EpochClock epochClock)
    {
        this.epochClock = epochClock;
        return this;
    }
}
