package io.tandem.primary.cache;

import io.tandem.controller.pool.AllocationMap;
import io.tandem.staging.block.BlockDevice;

/**
 * Configuration of the primary's write cache, concluded once by {@link PageCache#PageCache(PageCacheContext)}.
 * Only the {@link #device()} (the pool's volume) must be given; the page size is its block size.
 * <p>
 * Not thread-safe: fill it on one thread, then hand it to the cache.
 */
public final class PageCacheContext
{
    /** Bytes of off-heap memory for cached pages; a multiple of the page size, at least two pages, under 2 GiB. */
    public static final String CAPACITY_PROP_NAME = "tandem.cache.capacity";
    public static final long CAPACITY_DEFAULT = 256L << 20;

    /** Bytes of the scratch buffer that reads of uncached pages go through; runs of misses are read at once. */
    public static final String READ_SCRATCH_LENGTH_PROP_NAME = "tandem.cache.readScratchLength";
    public static final int READ_SCRATCH_LENGTH_DEFAULT = 256 << 10;

    private long capacity = Long.getLong(CAPACITY_PROP_NAME, CAPACITY_DEFAULT);
    private int readScratchLength = Integer.getInteger(READ_SCRATCH_LENGTH_PROP_NAME, READ_SCRATCH_LENGTH_DEFAULT);
    private BlockDevice device;
    private AllocationMap allocationMap;
    private boolean concluded;

    /**
     * @throws IllegalArgumentException naming the setting that is wrong.
     */
    public PageCacheContext conclude()
    {
        if (concluded)
        {
            throw new IllegalStateException("context already concluded");
        }
        if (null == device)
        {
            throw new IllegalArgumentException("device must be set (the pool's volume)");
        }
        final int pageSize = device.blockSize();
        final long maxCapacity = (Integer.MAX_VALUE / pageSize) * (long)pageSize;
        if (capacity < 2L * pageSize || capacity % pageSize != 0 || capacity > maxCapacity)
        {
            throw new IllegalArgumentException("capacity must be a multiple of the page size " + pageSize +
                ", at least two pages and at most " + maxCapacity + ": " + capacity);
        }
        if (readScratchLength < pageSize || readScratchLength % pageSize != 0)
        {
            throw new IllegalArgumentException("readScratchLength must be a positive multiple of the page size " +
                pageSize + ": " + readScratchLength);
        }
        if (null == allocationMap)
        {
            allocationMap = AllocationMap.allData(pageSize, device.blockCount());
        }
        if (allocationMap.blockSize() != pageSize || allocationMap.blockCount() != device.blockCount())
        {
            throw new IllegalArgumentException("the allocation map is of " + allocationMap.blockCount() +
                " blocks of " + allocationMap.blockSize() + " bytes, the device of " + device.blockCount() +
                " blocks of " + pageSize);
        }
        concluded = true;
        return this;
    }

    /**
     * @return the pool's volume the cache reads misses from and the consistency point destages to.
     */
    public BlockDevice device()
    {
        return device;
    }

    public PageCacheContext device(final BlockDevice device)
    {
        this.device = device;
        return this;
    }

    /**
     * @return the pool's allocation map as of what the device holds, which the cache reads and marks; by default
     * every block data (a pool made before maps were).
     */
    public AllocationMap allocationMap()
    {
        return allocationMap;
    }

    public PageCacheContext allocationMap(final AllocationMap allocationMap)
    {
        this.allocationMap = allocationMap;
        return this;
    }

    /**
     * @return bytes of memory for cached pages, default {@link #CAPACITY_DEFAULT}.
     */
    public long capacity()
    {
        return capacity;
    }

    public PageCacheContext capacity(final long capacity)
    {
        this.capacity = capacity;
        return this;
    }

    /**
     * @return bytes of the scratch buffer for reads of uncached pages, default {@link #READ_SCRATCH_LENGTH_DEFAULT}.
     */
    public int readScratchLength()
    {
        return readScratchLength;
    }

    public PageCacheContext readScratchLength(final int readScratchLength)
    {
        this.readScratchLength = readScratchLength;
        return this;
    }
}
