package io.tandem.staging;

import org.agrona.BitUtil;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

import java.nio.file.Path;

/**
 * Configuration of one simulated NVRAM device, concluded once by {@link NvramDevice#open(NvramContext)}.
 * Every setting has a default that works with no configuration, read from a system property where one is named.
 * <p>
 * Group commit: the flusher gathers the writes published since its last commit into one batch and makes them
 * durable together (one {@code pwrite} per contiguous run, and at {@link Durability#POWER} one force for the
 * batch). A batch is committed as soon as any of these holds:
 * <ol>
 * <li>it holds {@link #groupCommitMaxWrites()} writes;</li>
 * <li>it holds {@link #groupCommitMaxBytes()} bytes;</li>
 * <li>no further write is published and {@link #groupCommitMaxWaitNs()} has passed since its first write was
 * taken (with the default wait of 0: as soon as the queue is empty).</li>
 * </ol>
 * <p>
 * Not thread-safe: fill it on one thread, then hand it to {@link NvramDevice#open(NvramContext)}.
 */
public final class NvramContext
{
    public static final String CAPACITY_PROP_NAME = "tandem.staging.capacity";
    public static final long CAPACITY_DEFAULT = 64L << 20;

    public static final String BLOCK_SIZE_PROP_NAME = "tandem.staging.blockSize";
    public static final int BLOCK_SIZE_DEFAULT = 4096;

    public static final String REGION_SIZE_PROP_NAME = "tandem.staging.regionSize";
    public static final int REGION_SIZE_DEFAULT = 1 << 20;

    public static final String DURABILITY_PROP_NAME = "tandem.staging.durability";
    public static final Durability DURABILITY_DEFAULT = Durability.PROCESS;

    public static final String GROUP_COMMIT_MAX_BYTES_PROP_NAME = "tandem.staging.groupCommitMaxBytes";
    public static final int GROUP_COMMIT_MAX_BYTES_DEFAULT = 4 << 20;

    public static final String GROUP_COMMIT_MAX_WRITES_PROP_NAME = "tandem.staging.groupCommitMaxWrites";
    public static final int GROUP_COMMIT_MAX_WRITES_DEFAULT = 1024;

    public static final String GROUP_COMMIT_MAX_WAIT_PROP_NAME = "tandem.staging.groupCommitMaxWaitNs";
    public static final long GROUP_COMMIT_MAX_WAIT_NS_DEFAULT = 0;

    public static final String MAX_PENDING_WRITES_PROP_NAME = "tandem.staging.maxPendingWrites";
    public static final int MAX_PENDING_WRITES_DEFAULT = 8192;

    public static final String RESIDENT_DIR_PROP_NAME = "tandem.staging.residentDir";

    /** The staging area is one contiguous off-heap buffer, addressed with an int. */
    public static final long MAX_CAPACITY = 1L << 30;

    private Path file;
    private long capacity = Long.getLong(CAPACITY_PROP_NAME, CAPACITY_DEFAULT);
    private int blockSize = Integer.getInteger(BLOCK_SIZE_PROP_NAME, BLOCK_SIZE_DEFAULT);
    private int regionSize = Integer.getInteger(REGION_SIZE_PROP_NAME, REGION_SIZE_DEFAULT);
    private Durability durability = Durability.valueOf(
        System.getProperty(DURABILITY_PROP_NAME, DURABILITY_DEFAULT.name()).toUpperCase());
    private int groupCommitMaxBytes = Integer.getInteger(
        GROUP_COMMIT_MAX_BYTES_PROP_NAME, GROUP_COMMIT_MAX_BYTES_DEFAULT);
    private int groupCommitMaxWrites = Integer.getInteger(
        GROUP_COMMIT_MAX_WRITES_PROP_NAME, GROUP_COMMIT_MAX_WRITES_DEFAULT);
    private long groupCommitMaxWaitNs = Long.getLong(
        GROUP_COMMIT_MAX_WAIT_PROP_NAME, GROUP_COMMIT_MAX_WAIT_NS_DEFAULT);
    private int maxPendingWrites = Integer.getInteger(MAX_PENDING_WRITES_PROP_NAME, MAX_PENDING_WRITES_DEFAULT);
    private Path residentDir = residentDirDefault();
    private boolean createIfMissing = true;
    private boolean useAgentInvoker = false;
    private DeviceFile.Opener deviceFiles = DeviceFile::open;
    private NanoClock nanoClock;
    private IdleStrategy idleStrategy;
    private CompletionHandler completionHandler;
    private boolean concluded;

    /**
     * Checks every setting and fills the defaults that need objects.
     *
     * @return this.
     * @throws IllegalArgumentException naming the setting that is wrong.
     */
    public NvramContext conclude()
    {
        if (concluded)
        {
            throw new IllegalStateException("context already concluded");
        }
        if (null == file)
        {
            throw new IllegalArgumentException("file must be set");
        }
        if (blockSize < 512 || !BitUtil.isPowerOfTwo(blockSize))
        {
            throw new IllegalArgumentException("blockSize must be a power of two >= 512: " + blockSize);
        }
        if (regionSize < blockSize || regionSize % blockSize != 0)
        {
            throw new IllegalArgumentException(
                "regionSize must be a multiple of blockSize " + blockSize + ": " + regionSize);
        }
        if (capacity <= 0 || capacity > MAX_CAPACITY || capacity % regionSize != 0)
        {
            throw new IllegalArgumentException("capacity must be a positive multiple of regionSize " + regionSize +
                " up to " + MAX_CAPACITY + ": " + capacity);
        }
        if (null == durability)
        {
            throw new IllegalArgumentException("durability must be set");
        }
        if (groupCommitMaxBytes < blockSize)
        {
            throw new IllegalArgumentException("groupCommitMaxBytes must be >= blockSize: " + groupCommitMaxBytes);
        }
        if (groupCommitMaxWrites < 1)
        {
            throw new IllegalArgumentException("groupCommitMaxWrites must be >= 1: " + groupCommitMaxWrites);
        }
        if (groupCommitMaxWaitNs < 0)
        {
            throw new IllegalArgumentException("groupCommitMaxWaitNs must be >= 0: " + groupCommitMaxWaitNs);
        }
        if (maxPendingWrites < 2 || !BitUtil.isPowerOfTwo(maxPendingWrites))
        {
            throw new IllegalArgumentException("maxPendingWrites must be a power of two >= 2: " + maxPendingWrites);
        }
        if (null == nanoClock)
        {
            nanoClock = SystemNanoClock.INSTANCE;
        }
        concluded = true;
        return this;
    }

    public Path file()
    {
        return file;
    }

    /**
     * @return how the device file is opened: {@link DeviceFile#open(Path)} by default; the simulator opens one
     * that can lose unforced bytes in a power loss and fail writes.
     */
    public DeviceFile.Opener deviceFiles()
    {
        return deviceFiles;
    }

    public NvramContext deviceFiles(final DeviceFile.Opener deviceFiles)
    {
        this.deviceFiles = deviceFiles;
        return this;
    }

    public NvramContext file(final Path file)
    {
        this.file = file;
        return this;
    }

    /**
     * @return usable bytes, addresses 0 to capacity - 1; a multiple of {@link #regionSize()}.
     */
    public long capacity()
    {
        return capacity;
    }

    public NvramContext capacity(final long capacity)
    {
        this.capacity = capacity;
        return this;
    }

    /**
     * @return the unit in which the device file is written: runs are widened to whole blocks.
     */
    public int blockSize()
    {
        return blockSize;
    }

    public NvramContext blockSize(final int blockSize)
    {
        this.blockSize = blockSize;
        return this;
    }

    /**
     * @return the unit of write-back: one {@code pwrite} never crosses a region boundary.
     */
    public int regionSize()
    {
        return regionSize;
    }

    public NvramContext regionSize(final int regionSize)
    {
        this.regionSize = regionSize;
        return this;
    }

    public Durability durability()
    {
        return durability;
    }

    public NvramContext durability(final Durability durability)
    {
        this.durability = durability;
        return this;
    }

    public int groupCommitMaxBytes()
    {
        return groupCommitMaxBytes;
    }

    public NvramContext groupCommitMaxBytes(final int groupCommitMaxBytes)
    {
        this.groupCommitMaxBytes = groupCommitMaxBytes;
        return this;
    }

    public int groupCommitMaxWrites()
    {
        return groupCommitMaxWrites;
    }

    public NvramContext groupCommitMaxWrites(final int groupCommitMaxWrites)
    {
        this.groupCommitMaxWrites = groupCommitMaxWrites;
        return this;
    }

    public long groupCommitMaxWaitNs()
    {
        return groupCommitMaxWaitNs;
    }

    public NvramContext groupCommitMaxWaitNs(final long groupCommitMaxWaitNs)
    {
        this.groupCommitMaxWaitNs = groupCommitMaxWaitNs;
        return this;
    }

    /**
     * @return how many writes may be queued and not yet completed; a further write is refused with
     * {@link NvramDevice#BACK_PRESSURED}.
     */
    public int maxPendingWrites()
    {
        return maxPendingWrites;
    }

    public NvramContext maxPendingWrites(final int maxPendingWrites)
    {
        this.maxPendingWrites = maxPendingWrites;
        return this;
    }

    /**
     * @return where the staging area is kept in named shared memory at {@link Durability#PROCESS}
     * ({@link ResidentMemory}), so that a write needs no {@code pwrite}; null (the default) for memory of the
     * process's own, written back to the file by the flusher. Ignored at {@link Durability#POWER}, where every
     * write is forced to the file anyway.
     */
    public Path residentDir()
    {
        return residentDir;
    }

    public NvramContext residentDir(final Path residentDir)
    {
        this.residentDir = residentDir;
        return this;
    }

    /**
     * @return the directory {@link #RESIDENT_DIR_PROP_NAME} names, or null: the default of {@link #residentDir()}.
     */
    public static Path residentDirDefault()
    {
        final String dir = System.getProperty(RESIDENT_DIR_PROP_NAME);
        return null == dir ? null : Path.of(dir);
    }

    /**
     * @return the staging area is to be kept in {@link #residentDir()}.
     */
    public boolean wantsResident()
    {
        return null != residentDir && Durability.PROCESS == durability;
    }

    public boolean createIfMissing()
    {
        return createIfMissing;
    }

    public NvramContext createIfMissing(final boolean createIfMissing)
    {
        this.createIfMissing = createIfMissing;
        return this;
    }

    /**
     * @return true when the flusher is stepped by the caller through {@link NvramDevice#invoker()} instead of
     * running on its own thread; tests use it to be deterministic.
     */
    public boolean useAgentInvoker()
    {
        return useAgentInvoker;
    }

    public NvramContext useAgentInvoker(final boolean useAgentInvoker)
    {
        this.useAgentInvoker = useAgentInvoker;
        return this;
    }

    public NanoClock nanoClock()
    {
        return nanoClock;
    }

    public NvramContext nanoClock(final NanoClock nanoClock)
    {
        this.nanoClock = nanoClock;
        return this;
    }

    /**
     * @return how the flusher thread idles when there is nothing to write; null (the default) for a back-off
     * that parks until the next write wakes it.
     */
    public IdleStrategy idleStrategy()
    {
        return idleStrategy;
    }

    public NvramContext idleStrategy(final IdleStrategy idleStrategy)
    {
        this.idleStrategy = idleStrategy;
        return this;
    }

    public CompletionHandler completionHandler()
    {
        return completionHandler;
    }

    public NvramContext completionHandler(final CompletionHandler completionHandler)
    {
        this.completionHandler = completionHandler;
        return this;
    }
}
