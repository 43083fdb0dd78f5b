package io.tandem.primary.cache;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static io.tandem.primary.cache.PoolFixture.PAGE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PageCacheTest
{
    private static final int VOLUME_PAGES = 64;

    @TempDir
    Path dir;

    @Test
    void unalignedWritesZeroesAndReadsMatchAByteModel() throws IOException
    {
        final long seed = System.nanoTime();
        System.out.println("PageCacheTest.unalignedWritesZeroesAndReadsMatchAByteModel seed=" + seed);
        final Random random = new Random(seed);
        try (PoolFixture fixture = new PoolFixture(dir, VOLUME_PAGES, VOLUME_PAGES, 64))
        {
            final byte[] model = new byte[VOLUME_PAGES * PAGE];
            random.nextBytes(model);
            fixture.pool.volume().write(0, ByteBuffer.wrap(model.clone()));
            final PageCache cache = fixture.cache;
            final byte[] src = new byte[4 * PAGE];
            final UnsafeBuffer srcBuffer = new UnsafeBuffer(src);
            final byte[] dst = new byte[4 * PAGE + 16];
            final UnsafeBuffer dstBuffer = new UnsafeBuffer(dst);
            final ByteBuffer directDst = ByteBuffer.allocateDirect(4 * PAGE);
            long lsn = 0;
            for (int op = 0; op < 3000; op++)
            {
                final int length =
                    random.nextInt(4) == 0 ? random.nextInt(4 * PAGE) + 1 : random.nextInt(3 * PAGE / 2) + 1;
                final int offset = random.nextInt(model.length - length + 1);
                final int kind = random.nextInt(5);
                final String what = "seed=" + seed + " op=" + op + " kind=" + kind + " offset=" + offset +
                    " length=" + length;
                if (0 == kind || 1 == kind)
                {
                    random.nextBytes(src);
                    final int srcOffset = random.nextInt(src.length - length + 1);
                    assertEquals(PageCache.OK, cache.write(offset, srcBuffer, srcOffset, length, ++lsn), what);
                    System.arraycopy(src, srcOffset, model, offset, length);
                }
                else if (2 == kind)
                {
                    assertEquals(PageCache.OK, cache.writeZeroes(offset, length, ++lsn, random.nextBoolean()), what);
                    Arrays.fill(model, offset, offset + length, (byte)0);
                }
                else if (3 == kind)
                {
                    final int dstOffset = random.nextInt(16);
                    cache.read(offset, dstBuffer, dstOffset, length);
                    assertArrayEquals(Arrays.copyOfRange(model, offset, offset + length),
                        Arrays.copyOfRange(dst, dstOffset, dstOffset + length), what);
                }
                else
                {
                    directDst.clear().position(7).limit(Math.min(7 + length, directDst.capacity()));
                    final int n = directDst.remaining();
                    cache.read(offset, directDst);
                    assertEquals(7, directDst.position(), what);
                    final byte[] got = new byte[n];
                    directDst.get(got);
                    assertArrayEquals(Arrays.copyOfRange(model, offset, offset + n), got, what);
                }
            }
            final byte[] whole = new byte[model.length];
            cache.read(0, new UnsafeBuffer(whole), 0, whole.length);
            assertArrayEquals(model, whole, "seed=" + seed);
            assertEquals(lsn, cache.highestLsn());
            assertTrue(cache.readHits() > 0 && cache.readMisses() > 0, "hits and misses both exercised");
            assertTrue(cache.writeLoads() > 0, "partial pages loaded");
        }
    }

    @Test
    void aWriteSpanningPagesMarksEachDirtyWithItsLsnAndLoadsOnlyPartialEdges() throws IOException
    {
        try (PoolFixture fixture = new PoolFixture(dir, VOLUME_PAGES, 8, 64))
        {
            final PageCache cache = fixture.cache;
            final byte[] bytes = new byte[2 * PAGE + 200];
            Arrays.fill(bytes, (byte)7);
            assertEquals(PageCache.OK, cache.write(PAGE - 100, new UnsafeBuffer(bytes), 0, bytes.length, 5));
            assertEquals(4, cache.pagesCached());
            assertEquals(4, cache.dirtyPages());
            assertEquals(2, cache.writeLoads(), "the first and last pages were partial, the middle ones whole");
            for (int page = 0; page < 4; page++)
            {
                assertTrue(cache.isDirty(page));
            }
            assertFalse(cache.isCached(4));
            assertEquals(5, cache.highestLsn());
            assertTrue(fixture.device.writtenBlocks.isEmpty(), "the cache alone never writes the pool");
        }
    }

    @Test
    void cacheFullAppliesNothing() throws IOException
    {
        try (PoolFixture fixture = new PoolFixture(dir, VOLUME_PAGES, 4, 64))
        {
            final PageCache cache = fixture.cache;
            final byte[] ones = new byte[3 * PAGE];
            Arrays.fill(ones, (byte)1);
            assertEquals(PageCache.OK, cache.write(0, new UnsafeBuffer(ones), 0, ones.length, 1));
            assertEquals(3, cache.dirtyPages());

            final byte[] twos = new byte[2 * PAGE];
            Arrays.fill(twos, (byte)2);
            final long loadsBefore = cache.writeLoads();
            assertEquals(PageCache.CACHE_FULL, cache.write(2 * PAGE + 10, new UnsafeBuffer(twos), 0, twos.length, 2),
                "needs pages 3 and 4 but only one frame is free");
            assertEquals(PageCache.CACHE_FULL, cache.writeZeroes(3 * PAGE + 10, 2 * PAGE, 3, true),
                "zeroes pages 3 and 5 in part: two frames, one free");
            assertEquals(2, cache.cacheFullCount());
            assertEquals(loadsBefore, cache.writeLoads(), "nothing loaded for a refused write");
            assertEquals(3, cache.pagesCached());
            assertEquals(3, cache.dirtyPages());
            assertEquals(1, cache.highestLsn());

            final byte[] got = new byte[5 * PAGE];
            cache.read(0, new UnsafeBuffer(got), 0, got.length);
            final byte[] expected = new byte[5 * PAGE];
            Arrays.fill(expected, 0, 3 * PAGE, (byte)1);
            assertArrayEquals(expected, got);

            assertEquals(PageCache.OK, cache.write(3 * PAGE + 10, new UnsafeBuffer(twos), 0, PAGE - 10, 4),
                "one free frame is enough for one page");
            assertEquals(4, cache.dirtyPages());
        }
    }

    @Test
    void rejectsRangesOutsideTheVolume() throws IOException
    {
        try (PoolFixture fixture = new PoolFixture(dir, VOLUME_PAGES, 4, 64))
        {
            final PageCache cache = fixture.cache;
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[PAGE]);
            final long size = cache.volumeSize();
            assertThrows(IllegalArgumentException.class, () -> cache.write(size - 10, buffer, 0, 11, 1));
            assertThrows(IllegalArgumentException.class, () -> cache.write(-1, buffer, 0, 1, 1));
            assertThrows(IllegalArgumentException.class, () -> cache.writeZeroes(0, size + 1, 1, true));
            assertThrows(IllegalArgumentException.class, () -> cache.read(size - 1, buffer, 0, 2));
            assertEquals(PageCache.OK, cache.write(size - 10, buffer, 0, 10, 1));
            assertEquals(1, cache.highestLsn());
        }
    }

    @Test
    void contextRefusesACapacityThatIsNotWholePages() throws IOException
    {
        try (PoolFixture fixture = new PoolFixture(dir, VOLUME_PAGES, 4, 64))
        {
            assertThrows(IllegalArgumentException.class,
                () -> new PageCache(new PageCacheContext().device(fixture.device).capacity(PAGE * 3 + 1)));
            assertThrows(IllegalArgumentException.class,
                () -> new PageCache(new PageCacheContext().device(fixture.device).capacity(PAGE)));
            assertThrows(IllegalArgumentException.class, () -> new PageCache(new PageCacheContext()));
        }
    }
}
