package io.tandem.primary.cache;

import io.tandem.controller.pool.AllocationMap;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;

import static io.tandem.controller.pool.AllocationMap.DATA;
import static io.tandem.controller.pool.AllocationMap.HOLE;
import static io.tandem.controller.pool.AllocationMap.ZERO;
import static io.tandem.primary.cache.PoolFixture.PAGE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The write cache over the pool's allocation map: blocks the map says read as zeroes read so whatever the pool
 * holds (here, garbage), zeroing whole pages costs the map and nothing else, a partial write of a zero block starts
 * from zeroes, and each CP persists the map as of its LSN.
 */
class PageCacheMapTest
{
    private static final int VOLUME_PAGES = 64;

    @TempDir
    Path dir;

    /**
     * A fixture whose pool is filled with 0xEE, which reading must never return where the map says zero.
     */
    private PoolFixture fixture(final int cachePages) throws IOException
    {
        final PoolFixture fixture = new PoolFixture(dir, VOLUME_PAGES, cachePages, 64, true,
            AllocationMap.allHoles(PAGE, VOLUME_PAGES));
        final byte[] garbage = new byte[VOLUME_PAGES * PAGE];
        Arrays.fill(garbage, (byte)0xEE);
        fixture.pool.volume().write(0, ByteBuffer.wrap(garbage));
        return fixture;
    }

    private static byte[] read(final PageCache cache, final long offset, final int length) throws IOException
    {
        final byte[] bytes = new byte[length];
        cache.read(offset, new UnsafeBuffer(bytes), 0, length);
        return bytes;
    }

    @Test
    void holesReadAsZeroesAndAPartialWriteStartsFromZeroes() throws IOException
    {
        try (PoolFixture fixture = fixture(8))
        {
            final PageCache cache = fixture.cache;
            assertArrayEquals(new byte[3 * PAGE], read(cache, PAGE / 2, 3 * PAGE));
            assertEquals(4, cache.zeroReads());
            assertEquals(0, cache.readMisses(), "the pool was not read");

            final byte[] ones = new byte[100];
            Arrays.fill(ones, (byte)1);
            assertEquals(PageCache.OK, cache.write(2 * PAGE + 50, new UnsafeBuffer(ones), 0, 100, 1));
            assertEquals(DATA, cache.allocationMap().state(2));
            assertEquals(HOLE, cache.allocationMap().state(3));
            final byte[] expected = new byte[PAGE];
            Arrays.fill(expected, 50, 150, (byte)1);
            assertArrayEquals(expected, read(cache, 2 * PAGE, PAGE), "zeroes around the write, not the pool's bytes");
            assertEquals(0, cache.writeLoads(), "a hole is loaded as zeroes");
        }
    }

    @Test
    void zeroingWholePagesMarksTheMapAndNeedsNoFrame() throws IOException
    {
        try (PoolFixture fixture = fixture(8))
        {
            final PageCache cache = fixture.cache;
            final byte[] data = new byte[3 * PAGE];
            Arrays.fill(data, (byte)7);
            assertEquals(PageCache.OK, cache.write(0, new UnsafeBuffer(data), 0, data.length, 1));
            assertTrue(fixture.cp.start(ConsistencyPoint.Reason.COMMAND));
            assertEquals(ConsistencyPoint.State.DONE, fixture.finishCp());
            assertEquals(PageCache.OK, cache.write(10 * PAGE, new UnsafeBuffer(data), 0, data.length, 2));
            assertEquals(3, cache.dirtyPages());

            // pages 1 to 40: 1 and 2 cached clean, 10 to 12 cached dirty, the rest not cached; two frames free
            assertEquals(PageCache.OK, cache.writeZeroes(PAGE, 40L * PAGE, 3, false));
            assertEquals(ZERO, cache.allocationMap().state(1));
            assertEquals(ZERO, cache.allocationMap().state(40));
            assertEquals(DATA, cache.allocationMap().state(0));
            assertEquals(HOLE, cache.allocationMap().state(41));
            assertEquals(5, cache.dirtyPages(), "the cached pages hold the zeroes now; no page was added");
            assertEquals(6, cache.pagesCached());
            assertArrayEquals(new byte[40 * PAGE], read(cache, PAGE, 40 * PAGE));
            final byte[] first = new byte[PAGE];
            Arrays.fill(first, (byte)7);
            assertArrayEquals(first, read(cache, 0, PAGE));

            // a partial zeroing of a data page changes its bytes, of a zero page nothing
            assertEquals(PageCache.OK, cache.writeZeroes(PAGE / 2, PAGE, 4, true));
            assertEquals(DATA, cache.allocationMap().state(0));
            Arrays.fill(first, PAGE / 2, PAGE, (byte)0);
            assertArrayEquals(first, read(cache, 0, PAGE));
            assertEquals(ZERO, cache.allocationMap().state(1), "zeroed in part, it stays as it was");
        }
    }

    @Test
    void eachCheckpointPersistsTheMapAsOfItsLsn() throws IOException
    {
        try (PoolFixture fixture = fixture(16))
        {
            final PageCache cache = fixture.cache;
            final byte[] data = new byte[2 * PAGE];
            Arrays.fill(data, (byte)3);
            assertEquals(PageCache.OK, cache.write(4 * PAGE, new UnsafeBuffer(data), 0, data.length, 1));
            assertEquals(PageCache.OK, cache.writeZeroes(20L * PAGE, 8L * PAGE, 2, true));
            assertEquals(PageCache.OK, cache.writeZeroes(30L * PAGE, 2L * PAGE, 3, false));

            assertTrue(fixture.cp.start(ConsistencyPoint.Reason.COMMAND));
            fixture.stepUntil(ConsistencyPoint.State.DESTAGE);
            // after COLLECT: not in this CP's map
            assertEquals(PageCache.OK, cache.write(40 * PAGE, new UnsafeBuffer(data), 0, data.length, 4));
            assertEquals(ConsistencyPoint.State.DONE, fixture.finishCp());
            assertEquals(3, fixture.recordedCpLsn());

            final AllocationMap persisted = fixture.pool.loadAllocationMap(fixture.pool.superblocks().read());
            assertEquals(DATA, persisted.state(4));
            assertEquals(DATA, persisted.state(5));
            assertEquals(HOLE, persisted.state(6));
            assertEquals(HOLE, persisted.state(24));
            assertEquals(ZERO, persisted.state(31));
            assertEquals(HOLE, persisted.state(40), "written after the CP's LSN: the NVLog's replay marks it");
            assertEquals(DATA, cache.allocationMap().state(40));
            assertFalse(persisted.readsZero(5));
        }
    }
}
