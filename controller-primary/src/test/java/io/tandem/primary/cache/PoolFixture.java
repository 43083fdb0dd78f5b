package io.tandem.primary.cache;

import io.tandem.controller.pool.AllocationMap;
import io.tandem.controller.pool.EpochLease;
import io.tandem.controller.pool.Ownership;
import io.tandem.controller.pool.Pool;
import io.tandem.controller.pool.PoolContext;
import io.tandem.staging.block.FileBlockDevice;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A real pool in a temporary directory, owned by controller 0, with a cache over its recorded volume and a CP
 * whose blocking steps run when the test says.
 */
final class PoolFixture implements AutoCloseable
{
    static final int PAGE = 4096;

    final Pool pool;
    final Ownership ownership;
    final long epoch;
    final RecordingBlockDevice device;
    final PageCache cache;
    final ManualExecutor executor = new ManualExecutor();
    /** The CP's epoch lease: 1 ms of the fixture's clock, which the step helpers advance 10 ns at a time. */
    final EpochLease lease = new EpochLease(1_000_000);
    final ConsistencyPoint cp;
    final List<String> events = new ArrayList<>();
    long nowNs = 1_000;
    boolean recordEvents = true;
    /** Told of every CP's end after the events are recorded, as a controller's listener would be; or null. */
    ConsistencyPointListener next;

    PoolFixture(final Path dir, final int volumePages, final int cachePages, final int pagesPerStep)
        throws IOException
    {
        this(dir, volumePages, cachePages, pagesPerStep, true);
    }

    PoolFixture(
        final Path dir, final int volumePages, final int cachePages, final int pagesPerStep, final boolean forcePool)
        throws IOException
    {
        this(dir, volumePages, cachePages, pagesPerStep, forcePool, null);
    }

    /**
     * @param map the cache's allocation map; null for one of data in every block, since tests fill the pool's
     *            volume directly (a new pool's own map says every block is a hole).
     */
    PoolFixture(
        final Path dir,
        final int volumePages,
        final int cachePages,
        final int pagesPerStep,
        final boolean forcePool,
        final AllocationMap map)
        throws IOException
    {
        pool = Pool.open(new PoolContext().dir(dir.resolve("pool")).volumeSize((long)volumePages * PAGE));
        ownership = new Ownership(pool.superblocks());
        epoch = ownership.take(0, pool.superblocks().read());
        device = new RecordingBlockDevice(pool.volume());
        cache = new PageCache(new PageCacheContext().device(device).capacity((long)cachePages * PAGE)
            .readScratchLength(4 * PAGE).allocationMap(null == map ? AllocationMap.allData(PAGE, volumePages) : map));
        cp = new ConsistencyPoint(new ConsistencyPointContext()
            .cache(cache)
            .ownership(ownership)
            .allocationMapFile(pool.allocationMapFile())
            .epoch(epoch)
            .pagesPerStep(pagesPerStep)
            .forcePool(forcePool)
            .ioExecutor(executor)
            .epochLease(lease)
            .nanoClock(() -> nowNs)
            .listener(new ConsistencyPointListener()
            {
                public void onComplete(
                    final ConsistencyPoint.Reason reason, final long cpLsn, final int pagesDestaged,
                    final long durationNs)
                {
                    if (recordEvents)
                    {
                        events.add("complete " + reason + " " + cpLsn + " " + pagesDestaged + " " + durationNs);
                    }
                    if (null != next)
                    {
                        next.onComplete(reason, cpLsn, pagesDestaged, durationNs);
                    }
                }

                public void onFailed(
                    final ConsistencyPoint.Reason reason, final CpFailure failure, final Throwable error)
                {
                    if (recordEvents)
                    {
                        events.add("failed " + reason + " " + failure + " " + error.getMessage());
                    }
                    if (null != next)
                    {
                        next.onFailed(reason, failure, error);
                    }
                }

                public void onFenced(final long fencedEpoch)
                {
                    if (recordEvents)
                    {
                        events.add("fenced " + fencedEpoch);
                    }
                }
            }));
    }

    /**
     * Steps the CP, running its blocking steps as they come, until it ends.
     */
    ConsistencyPoint.State finishCp()
    {
        for (int i = 0; i < 1_000_000 && cp.isRunning(); i++)
        {
            nowNs += 10;
            cp.doWork(nowNs);
            executor.runAll();
        }
        return cp.state();
    }

    /**
     * Steps the CP until it reaches {@code state}, running blocking steps that would block it from getting there.
     */
    void stepUntil(final ConsistencyPoint.State state)
    {
        for (int i = 0; i < 1_000_000 && cp.state() != state; i++)
        {
            if (!cp.isRunning())
            {
                throw new AssertionError("CP ended " + cp.state() + " before reaching " + state);
            }
            nowNs += 10;
            cp.doWork(nowNs);
            if (cp.state() != state)
            {
                executor.runAll();
            }
        }
    }

    long recordedCpLsn() throws IOException
    {
        return pool.superblocks().read().cpLsn();
    }

    /**
     * @return the volume as a fresh device over the pool's file reads it.
     */
    byte[] readPoolFile() throws IOException
    {
        final long blocks = pool.volume().blockCount();
        try (FileBlockDevice fresh = FileBlockDevice.open(pool.dir().resolve(Pool.VOLUME_FILE_NAME), PAGE, blocks,
            false))
        {
            final byte[] bytes = new byte[(int)(blocks * PAGE)];
            fresh.read(0, ByteBuffer.wrap(bytes));
            return bytes;
        }
    }

    /**
     * @return what a controller starting on the pool now reads before any replay: the pool's file, and zeroes where
     * the allocation map persisted with the recorded CP says a block reads as zeroes.
     */
    byte[] readAsPersisted() throws IOException
    {
        final byte[] bytes = readPoolFile();
        final AllocationMap map = pool.loadAllocationMap(pool.superblocks().read());
        for (int block = 0; block < map.blockCount(); block++)
        {
            if (map.readsZero(block))
            {
                java.util.Arrays.fill(bytes, block * PAGE, (block + 1) * PAGE, (byte)0);
            }
        }
        return bytes;
    }

    public void close() throws IOException
    {
        cp.close();
        pool.close();
    }
}
