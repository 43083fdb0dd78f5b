package io.tandem.controller.pool;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.tandem.controller.pool.AllocationMap.DATA;
import static io.tandem.controller.pool.AllocationMap.HOLE;
import static io.tandem.controller.pool.AllocationMap.ZERO;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The allocation map in memory (marks, runs, threads marking blocks of one word) and on disk: persisted with each
 * recorded CP in the slot the superblock does not name, so a crash between the two leaves the map the superblock
 * names; a damaged map refused; a pool made before maps opened with every block data, and given a map at its first
 * CP.
 */
class AllocationMapTest
{
    private static final int BLOCK = 4096;
    private static final long BLOCKS = 256;

    @TempDir
    Path dir;

    private PoolContext ctx()
    {
        return new PoolContext().dir(dir.resolve("pool")).volumeSize(BLOCKS * BLOCK);
    }

    @Test
    void marksAndRunsAcrossWords()
    {
        final AllocationMap map = AllocationMap.allHoles(BLOCK, 100);
        assertEquals(HOLE, map.state(99));
        assertEquals(100, map.run(0, 1000), "one run of holes, cut at the end of the map");
        map.markData(30, 40);
        map.markZero(50, 3, false);
        assertEquals(HOLE, map.state(29));
        assertEquals(DATA, map.state(30));
        assertEquals(ZERO, map.state(51));
        assertTrue(map.readsZero(51));
        assertFalse(map.readsZero(49));
        assertEquals(30, map.run(0, 1000));
        assertEquals(20, map.run(30, 1000), "data from 30 to 49, across the word boundary at 32");
        assertEquals(3, map.run(50, 1000));
        assertEquals(17, map.run(53, 1000));
        assertEquals(30, map.run(70, 1000));
        assertEquals(5, map.run(40, 5), "at most the blocks asked for");
        assertEquals(30 + 30, map.count(HOLE));
        assertEquals(37, map.count(DATA));
        assertEquals(3, map.count(ZERO));
        assertEquals(100, AllocationMap.allData(BLOCK, 100).run(0, 100));
        assertThrows(IllegalArgumentException.class, () -> map.markData(90, 11));
    }

    @Test
    void threadsMarkingBlocksOfOneWordLoseNothing() throws Exception
    {
        final AllocationMap map = AllocationMap.allHoles(BLOCK, 64 * 1024);
        final List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++)
        {
            final int stream = t;
            threads.add(new Thread(() ->
            {
                for (int round = 0; round < 20; round++)
                {
                    for (long block = stream; block < map.blockCount(); block += 4)
                    {
                        map.mark(block, 1, 0 == (round & 1) ? DATA : (0 == stream % 2 ? ZERO : DATA));
                    }
                }
            }));
        }
        threads.forEach(Thread::start);
        for (final Thread thread : threads)
        {
            thread.join();
        }
        for (long block = 0; block < map.blockCount(); block++)
        {
            assertEquals(0 == block % 2 ? ZERO : DATA, map.state(block), "block " + block);
        }
    }

    @Test
    void aNewPoolHasAMapOfHolesAndEachCheckpointPersistsItsOwn() throws IOException
    {
        try (Pool pool = Pool.open(ctx()))
        {
            Superblock superblock = pool.superblocks().read();
            assertTrue(superblock.hasAllocationMap());
            AllocationMap map = pool.loadAllocationMap(superblock);
            assertEquals(BLOCKS, map.run(0, BLOCKS));
            assertEquals(HOLE, map.state(0));

            final Ownership ownership = new Ownership(pool.superblocks());
            final long epoch = ownership.take(0, superblock);
            for (int cp = 1; cp <= 3; cp++)
            {
                map.markData(cp * 10, cp);
                assertTrue(ownership.recordCheckpoint(epoch, cp * 100, pool.allocationMapFile(), words(map)));
                superblock = pool.superblocks().read();
                assertEquals(cp * 100, superblock.cpLsn());
                assertArrayEquals(words(map), words(pool.loadAllocationMap(superblock)), "CP " + cp);
            }
            // the map of a CP whose superblock update never happened (a crash in between) is not the pool's
            final long[] recorded = words(map);
            map.markData(0, BLOCKS);
            pool.allocationMapFile().write(words(map), 400, 300);
            assertArrayEquals(recorded, words(pool.loadAllocationMap(pool.superblocks().read())));
            // and the next CP writes over that one, not over the recorded one
            map.markZero(0, 8, true);
            pool.allocationMapFile().write(words(map), 500, 300);
            assertArrayEquals(recorded, words(pool.loadAllocationMap(pool.superblocks().read())));

            final long second = ownership.take(1, pool.superblocks().read());
            final byte[] before = Files.readAllBytes(pool.allocationMapFile().file());
            assertFalse(ownership.recordCheckpoint(epoch, 600, pool.allocationMapFile(), words(map)));
            assertArrayEquals(before, Files.readAllBytes(pool.allocationMapFile().file()),
                "a fenced controller writes no map");
            assertTrue(ownership.recordCheckpoint(second, 300, pool.allocationMapFile(), recorded),
                "the same CP LSN again (a takeover with nothing to replay)");
            assertArrayEquals(recorded, words(pool.loadAllocationMap(pool.superblocks().read())));
        }
    }

    @Test
    void aDamagedMapIsRefused() throws IOException
    {
        try (Pool pool = Pool.open(ctx()))
        {
            final Path file = pool.allocationMapFile().file();
            final byte[] bytes = Files.readAllBytes(file);
            bytes[AllocationMapFile.WORDS_OFFSET + 5] ^= 1;
            Files.write(file, bytes);
            final PoolFormatException refused = assertThrows(PoolFormatException.class,
                () -> pool.loadAllocationMap(pool.superblocks().read()));
            assertTrue(refused.getMessage().contains("no allocation map as of CP LSN 0"), refused.getMessage());
            Files.delete(file);
            assertThrows(IOException.class, () -> pool.loadAllocationMap(pool.superblocks().read()));
        }
    }

    @Test
    void aPoolMadeBeforeMapsOpensWithEveryBlockDataAndGetsAMapAtItsFirstCheckpoint() throws IOException
    {
        Pool.open(ctx()).close();
        final Path superblockFile = dir.resolve("pool").resolve(SuperblockStore.FILE_NAME);
        final UnsafeBuffer bytes = new UnsafeBuffer(Files.readAllBytes(superblockFile));
        bytes.putInt(Superblock.VERSION_OFFSET, 2, ByteOrder.LITTLE_ENDIAN);
        new Superblock().wrap(bytes).seal();
        Files.write(superblockFile, bytes.byteArray());
        Files.delete(dir.resolve("pool").resolve(AllocationMapFile.FILE_NAME));

        try (Pool pool = Pool.open(ctx()))
        {
            final Superblock superblock = pool.superblocks().read();
            assertEquals(2, superblock.version());
            assertFalse(superblock.hasAllocationMap());
            final AllocationMap map = pool.loadAllocationMap(superblock);
            assertEquals(BLOCKS, map.run(0, BLOCKS));
            assertEquals(DATA, map.state(0), "every block of a pool made before maps holds data");

            final Ownership ownership = new Ownership(pool.superblocks());
            final long epoch = ownership.take(0, superblock);
            map.markZero(4, 4, true);
            assertTrue(ownership.recordCheckpoint(epoch, 7, pool.allocationMapFile(), words(map)));
            final Superblock upgraded = pool.superblocks().read();
            assertEquals(Superblock.MAP_VERSION, upgraded.version());
            assertArrayEquals(words(map), words(pool.loadAllocationMap(upgraded)));
        }
    }

    static long[] words(final AllocationMap map)
    {
        final long[] words = new long[map.wordCount()];
        map.copyTo(words);
        return words;
    }
}
