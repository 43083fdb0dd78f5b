package io.tandem.controller.pool;

import io.tandem.raid.ArrayListener;
import io.tandem.raid.ArraySpec;
import io.tandem.staging.block.BlockDevice;
import org.agrona.BitUtil;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.SystemEpochClock;

import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * Configuration of the pool a controller opens, concluded once by {@link Pool#open(PoolContext)}. Both
 * controllers of a pair must agree on every setting; the superblock records them and a controller whose
 * settings differ is refused.
 * <p>
 * Not thread-safe: fill it on one thread, then hand it to {@link Pool#open(PoolContext)}.
 */
public final class PoolContext
{
    public static final String DIR_PROP_NAME = "tandem.pool.dir";
    public static final String DIR_DEFAULT = "tandem-data/pool";

    public static final String VOLUME_SIZE_PROP_NAME = "tandem.pool.volumeSize";
    public static final long VOLUME_SIZE_DEFAULT = 1L << 30;

    public static final String BLOCK_SIZE_PROP_NAME = "tandem.pool.blockSize";
    public static final int BLOCK_SIZE_DEFAULT = 4096;

    public static final String CLUSTER_ID_PROP_NAME = "tandem.cluster.id";
    /** "TANDEM" in ASCII, as the NVLog's default. */
    public static final long CLUSTER_ID_DEFAULT = 0x54414E44454DL;

    /**
     * Whether the volume's blocks are reached through a memory mapping of its file once written ({@link
     * io.tandem.staging.block.MappedBlockDevice}), or always with positional reads and writes.
     */
    public static final String MAPPED_VOLUME_PROP_NAME = "tandem.pool.mappedVolume";
    public static final boolean MAPPED_VOLUME_DEFAULT = true;

    /**
     * The pool's layout ({@link ArraySpec}: {@code single}, {@code raid5:4+1spare}, ...); unset, a controller
     * takes the layout the pool records, and a new pool is {@code single}.
     */
    public static final String LAYOUT_PROP_NAME = "tandem.pool.layout";

    /** Bytes of each member in a stripe of an array pool. */
    public static final String CHUNK_SIZE_PROP_NAME = "tandem.pool.chunkSize";
    public static final int CHUNK_SIZE_DEFAULT = 64 * 1024;

    /** What a pool created without pair settings records: nothing is checked against it. */
    public static final PairSettings UNRECORDED_SETTINGS = new PairSettings(0, 0, 0, 0, 0);

    private PairSettings pairSettings;
    private Path dir = Path.of(System.getProperty(DIR_PROP_NAME, DIR_DEFAULT));
    private long volumeSize = Long.getLong(VOLUME_SIZE_PROP_NAME, VOLUME_SIZE_DEFAULT);
    private int blockSize = Integer.getInteger(BLOCK_SIZE_PROP_NAME, BLOCK_SIZE_DEFAULT);
    private long clusterId = Long.getLong(CLUSTER_ID_PROP_NAME, CLUSTER_ID_DEFAULT);
    private boolean createIfMissing = true;
    private boolean mappedVolume = Boolean.parseBoolean(
        System.getProperty(MAPPED_VOLUME_PROP_NAME, Boolean.toString(MAPPED_VOLUME_DEFAULT)));
    private EpochClock epochClock;
    private ArraySpec layout = null == System.getProperty(LAYOUT_PROP_NAME) ? null :
        ArraySpec.parse(System.getProperty(LAYOUT_PROP_NAME));
    private int chunkSize = Integer.getInteger(CHUNK_SIZE_PROP_NAME, CHUNK_SIZE_DEFAULT);
    private ArrayListener arrayListener = ArrayListener.NONE;
    private java.util.Map<String, Path> memberLocations = java.util.Map.of();
    private UnaryOperator<BlockDevice> volumeWrapper = UnaryOperator.identity();
    private boolean concluded;

    /**
     * @throws IllegalArgumentException naming the setting that is wrong.
     */
    public PoolContext conclude()
    {
        if (concluded)
        {
            throw new IllegalStateException("context already concluded");
        }
        if (null == dir)
        {
            throw new IllegalArgumentException("dir must be set");
        }
        if (blockSize < 512 || !BitUtil.isPowerOfTwo(blockSize))
        {
            throw new IllegalArgumentException("blockSize must be a power of two >= 512: " + blockSize);
        }
        if (volumeSize < blockSize || volumeSize % blockSize != 0)
        {
            throw new IllegalArgumentException("volumeSize must be a positive multiple of blockSize " + blockSize +
                ": " + volumeSize);
        }
        if (chunkSize < blockSize || chunkSize % blockSize != 0 || !BitUtil.isPowerOfTwo(chunkSize / blockSize))
        {
            throw new IllegalArgumentException("chunkSize must be a power-of-two number of blocks of " + blockSize +
                ": " + chunkSize);
        }
        if (null == epochClock)
        {
            epochClock = SystemEpochClock.INSTANCE;
        }
        concluded = true;
        return this;
    }

    public Path dir()
    {
        return dir;
    }

    public PoolContext dir(final Path dir)
    {
        this.dir = dir;
        return this;
    }

    public long volumeSize()
    {
        return volumeSize;
    }

    public PoolContext volumeSize(final long volumeSize)
    {
        this.volumeSize = volumeSize;
        return this;
    }

    public int blockSize()
    {
        return blockSize;
    }

    public PoolContext blockSize(final int blockSize)
    {
        this.blockSize = blockSize;
        return this;
    }

    /**
     * @return the layout asked for, or null to take the pool's.
     */
    public ArraySpec layout()
    {
        return layout;
    }

    public PoolContext layout(final ArraySpec layout)
    {
        this.layout = layout;
        return this;
    }

    /**
     * @return where array members lie that are not in the pool's directory: member name ({@code disk-0.img}) to a
     *         file or a block device; empty to take the pool's own record.
     */
    public java.util.Map<String, Path> memberLocations()
    {
        return memberLocations;
    }

    public PoolContext memberLocations(final java.util.Map<String, Path> memberLocations)
    {
        this.memberLocations = java.util.Map.copyOf(memberLocations);
        return this;
    }

    public int chunkSize()
    {
        return chunkSize;
    }

    public PoolContext chunkSize(final int chunkSize)
    {
        this.chunkSize = chunkSize;
        return this;
    }

    /**
     * @return told of each change of an array pool's membership (a member failed, a spare taken, a rebuild done).
     */
    public ArrayListener arrayListener()
    {
        return arrayListener;
    }

    public PoolContext arrayListener(final ArrayListener arrayListener)
    {
        this.arrayListener = arrayListener;
        return this;
    }

    public long clusterId()
    {
        return clusterId;
    }

    public PoolContext clusterId(final long clusterId)
    {
        this.clusterId = clusterId;
        return this;
    }

    /**
     * @return true (the default) to create a pool in an empty or missing directory.
     */
    public boolean createIfMissing()
    {
        return createIfMissing;
    }

    public PoolContext createIfMissing(final boolean createIfMissing)
    {
        this.createIfMissing = createIfMissing;
        return this;
    }

    /**
     * @return what the volume's blocks are reached through: the device as opened, by default; the simulator
     * watches who writes them and makes them fail.
     */
    public UnaryOperator<BlockDevice> volumeWrapper()
    {
        return volumeWrapper;
    }

    public PoolContext volumeWrapper(final UnaryOperator<BlockDevice> volumeWrapper)
    {
        this.volumeWrapper = volumeWrapper;
        return this;
    }

    /**
     * @return true (the default) to write a volume block again, and to read it, through a mapping of the file.
     */
    public boolean mappedVolume()
    {
        return mappedVolume;
    }

    public PoolContext mappedVolume(final boolean mappedVolume)
    {
        this.mappedVolume = mappedVolume;
        return this;
    }

    public EpochClock epochClock()
    {
        return epochClock;
    }

    public PoolContext epochClock(final EpochClock epochClock)
    {
        this.epochClock = epochClock;
        return this;
    }

    /**
     * @return the settings both controllers must agree on: recorded in a pool this context creates, checked
     * against those of a pool it opens; null records and checks nothing.
     */
    public PairSettings pairSettings()
    {
        return pairSettings;
    }

    public PoolContext pairSettings(final PairSettings pairSettings)
    {
        this.pairSettings = pairSettings;
        return this;
    }
}
