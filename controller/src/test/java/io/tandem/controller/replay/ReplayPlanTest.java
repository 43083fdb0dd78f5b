package io.tandem.controller.replay;

import io.tandem.controller.pool.AllocationMap;
import io.tandem.staging.block.BlockDevice;
import io.tandem.staging.block.FileBlockDevice;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLongArray;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReplayPlanTest
{
    private static final int BLOCK_SIZE = 512;
    private static final int BLOCKS = 4096;
    private static final int LENGTH = BLOCK_SIZE * BLOCKS;

    @TempDir
    Path dir;

    /**
     * Writes that overlap, whole-block ones in any order among partial writes and zeroings of whole blocks and of
     * parts, leave the volume exactly as the {@link PoolWriter} leaves it writing them one by one in log order: the
     * same bytes on the device (under blocks zeroed too) and the same allocation map. Half the seeds write from a
     * source on the heap (runs copied into one buffer), half from direct memory (runs gathered from where they
     * lie); every third goes to a device that does not gather.
     */
    @Test
    void leavesTheVolumeExactlyAsAReplayInLogOrder() throws Exception
    {
        for (int seed = 0; seed < 24; seed++)
        {
            try (FileBlockDevice inOrder = FileBlockDevice.open(dir.resolve("in-order-" + seed), BLOCK_SIZE, BLOCKS,
                true);
                FileBlockDevice planned = FileBlockDevice.open(dir.resolve("planned-" + seed), BLOCK_SIZE, BLOCKS,
                    true))
            {
                final byte[] initial = new byte[LENGTH];
                Arrays.fill(initial, (byte)0x33);
                inOrder.write(0, ByteBuffer.wrap(initial.clone()));
                planned.write(0, ByteBuffer.wrap(initial.clone()));
                final Random random = new Random(seed);
                // the source stays unchanged until the plan is written, as the mirror log's staging area does
                final byte[] log = new byte[1 << 20];
                random.nextBytes(log);
                final UnsafeBuffer source = source(log, seed % 2 == 1);
                final AllocationMap startMap = AllocationMap.allData(BLOCK_SIZE, BLOCKS);
                startMap.markZero(100, 50, true); // some blocks read as zeroes before the replay
                final PoolWriter oneByOne = new PoolWriter(inOrder, copy(startMap));
                final BlockDevice device = seed % 3 == 2 ? new NotGathering(planned) : planned;
                final PoolWriter writer = new PoolWriter(device, copy(startMap));
                final ReplayPlan plan = new ReplayPlan(BLOCK_SIZE);
                for (int i = 0; i < 400; i++)
                {
                    final int kind = random.nextInt(10);
                    final int length;
                    final int offset;
                    if (kind < 8)
                    {
                        length = (1 + random.nextInt(kind < 6 ? 2 : 40)) * BLOCK_SIZE;
                        offset = random.nextInt(BLOCKS - length / BLOCK_SIZE + 1) * BLOCK_SIZE;
                    }
                    else
                    {
                        length = 1 + random.nextInt(3 * BLOCK_SIZE);
                        offset = random.nextInt(LENGTH - length + 1);
                    }
                    if (kind >= 7 && random.nextBoolean())
                    {
                        final boolean hole = random.nextBoolean();
                        plan.zero(offset, length, hole, i);
                        oneByOne.zero(offset, length, hole);
                    }
                    else
                    {
                        final int at = random.nextInt(log.length - length + 1);
                        plan.write(offset, source, at, length, i);
                        oneByOne.write(offset, source, at, length);
                    }
                }
                plan.sort(SystemNanoClock.INSTANCE).execute(writer, device, SystemNanoClock.INSTANCE,
                    new AtomicLongArray(1), 0);

                assertArrayEquals(contents(inOrder), contents(planned), "seed " + seed + ": the device's bytes");
                assertArrayEquals(words(oneByOne.map()), words(writer.map()), "seed " + seed + ": the map");
            }
        }
    }

    /**
     * Collecting writes nothing and marks nothing: a takeover collects beside its scan, before it knows whether
     * the mirror is whole. Only zeroings and writes of parts of blocks cut the plan; zeroings of whole blocks do not.
     */
    @Test
    void collectingTouchesNeitherTheDeviceNorTheMap() throws Exception
    {
        try (FileBlockDevice device = FileBlockDevice.open(dir.resolve("volume"), BLOCK_SIZE, 64, true))
        {
            final UnsafeBuffer source = source(new byte[16 * BLOCK_SIZE], true);
            source.setMemory(0, 16 * BLOCK_SIZE, (byte)7);
            final PoolWriter writer = new PoolWriter(device, AllocationMap.allHoles(BLOCK_SIZE, 64));
            final ReplayPlan plan = new ReplayPlan(BLOCK_SIZE);
            plan.write(0, source, 0, 4 * BLOCK_SIZE, 1);
            plan.zero(BLOCK_SIZE, 2 * BLOCK_SIZE, false, 2); // whole blocks
            plan.write(10 * BLOCK_SIZE + 3, source, 0, 100, 3); // part of a block
            plan.zero(20 * BLOCK_SIZE, 10, true, 4); // part of a block
            plan.write(30 * BLOCK_SIZE, source, 0, BLOCK_SIZE, 5);
            plan.sort(SystemNanoClock.INSTANCE);

            assertEquals(0, plan.deviceWrites());
            assertEquals(5, plan.blocksCollected());
            assertEquals(2, plan.cuts(), "whole blocks zeroed cut the plan");
            assertEquals(0, writer.map().count(AllocationMap.DATA), "collecting marked the map");
            assertArrayEquals(new byte[64 * BLOCK_SIZE], contents(device), "collecting wrote the device");

            final AtomicLongArray progress = new AtomicLongArray(1);
            plan.execute(writer, device, SystemNanoClock.INSTANCE, progress, 0);
            assertEquals(plan.bytes(), progress.get(0));
            assertEquals(4 * BLOCK_SIZE + 2 * BLOCK_SIZE + 100 + 10 + BLOCK_SIZE, plan.bytes());
            assertEquals(AllocationMap.DATA, writer.map().state(0));
            assertEquals(AllocationMap.ZERO, writer.map().state(1));
            assertEquals(AllocationMap.DATA, writer.map().state(30));
        }
    }

    /**
     * Stripes of a sequential write, collected in any order, go out as one device write per run of adjacent
     * blocks, at most {@link ReplayPlan#RUN_LENGTH} bytes each; a block written twice goes out once.
     */
    @Test
    void adjacentBlocksGoOutInOneWriteEach() throws Exception
    {
        adjacentBlocksGoOutInOneWriteEach(false);
        adjacentBlocksGoOutInOneWriteEach(true);
    }

    private void adjacentBlocksGoOutInOneWriteEach(final boolean direct) throws Exception
    {
        final int blockSize = 4096;
        final int blocks = 1024;
        try (FileBlockDevice device = FileBlockDevice.open(dir.resolve("volume-" + direct), blockSize, blocks, true))
        {
            final byte[] log = new byte[blocks * blockSize];
            new Random(1).nextBytes(log);
            final UnsafeBuffer source = source(log, direct);
            final ReplayPlan plan = new ReplayPlan(blockSize);
            // 64 KiB pieces of the first 3 MiB, backwards, then the first piece again
            final int piece = 16 * blockSize;
            for (int at = 3 * (1 << 20) - piece; at >= 0; at -= piece)
            {
                plan.write(at, source, at, piece, 0);
            }
            plan.write(0, source, 0, piece, 1);
            plan.execute(new PoolWriter(device, AllocationMap.allHoles(blockSize, blocks)), device,
                SystemNanoClock.INSTANCE, new AtomicLongArray(1), 0);
            assertEquals(3, plan.deviceWrites());
            assertEquals(3 * (1 << 20) / blockSize, plan.blocksWritten());
            final ByteBuffer read = ByteBuffer.allocate(3 << 20);
            device.read(0, read);
            assertArrayEquals(Arrays.copyOf(log, 3 << 20), read.array());
        }
    }

    /**
     * A volume of 2^23 blocks: the sort orders blocks by 23 bits in three passes, so the device is written in
     * volume order, and a block's writes stay in log order through all of them (the last wins).
     */
    @Test
    void aLargeVolumesBlocksAreSortedInSeveralPassesAndTheLastWriteWins() throws Exception
    {
        final long blocks = 1L << 23;
        try (FileBlockDevice inOrder = FileBlockDevice.open(dir.resolve("in-order"), BLOCK_SIZE, blocks, true);
            FileBlockDevice planned = FileBlockDevice.open(dir.resolve("planned"), BLOCK_SIZE, blocks, true))
        {
            final byte[] log = new byte[1 << 20];
            final Random random = new Random(11);
            random.nextBytes(log);
            final UnsafeBuffer source = source(log, true);
            final PoolWriter oneByOne = new PoolWriter(inOrder, AllocationMap.allHoles(BLOCK_SIZE, blocks));
            final java.util.List<Long> order = new java.util.ArrayList<>();
            final BlockDevice recording = new NotGathering(planned)
            {
                public void write(final long blockIndex, final ByteBuffer src) throws IOException
                {
                    order.add(blockIndex);
                    super.write(blockIndex, src);
                }
            };
            final PoolWriter writer = new PoolWriter(recording, AllocationMap.allHoles(BLOCK_SIZE, blocks));
            final ReplayPlan plan = new ReplayPlan(BLOCK_SIZE);
            final long[] written = new long[600];
            for (int i = 0; i < written.length; i++)
            {
                // a fifth of the writes hit a block written before, with other bytes
                final long block = i > 100 && 0 == random.nextInt(5) ? written[random.nextInt(i)] :
                    (long)random.nextInt((int)blocks - 2);
                written[i] = block;
                final int at = random.nextInt(log.length / BLOCK_SIZE - 2) * BLOCK_SIZE;
                final int length = (1 + random.nextInt(2)) * BLOCK_SIZE;
                plan.write(block * BLOCK_SIZE, source, at, length, i);
                oneByOne.write(block * BLOCK_SIZE, source, at, length);
            }
            plan.sort(SystemNanoClock.INSTANCE).execute(writer, recording, SystemNanoClock.INSTANCE,
                new AtomicLongArray(1), 0);

            for (int i = 1; i < order.size(); i++)
            {
                assertTrue(order.get(i - 1) < order.get(i), "written out of volume order: " + order);
            }
            for (final long block : written)
            {
                final ByteBuffer expected = ByteBuffer.allocate(2 * BLOCK_SIZE);
                final ByteBuffer actual = ByteBuffer.allocate(2 * BLOCK_SIZE);
                inOrder.read(block, expected);
                planned.read(block, actual);
                assertArrayEquals(expected.array(), actual.array(), "block " + block);
            }
            assertArrayEquals(words(oneByOne.map()), words(writer.map()));
        }
    }

    @Test
    void refusesABlockBeyondWhatItCanNameAndAWriterOfAnotherBlockSize() throws Exception
    {
        final ReplayPlan plan = new ReplayPlan(BLOCK_SIZE);
        assertThrows(IllegalArgumentException.class,
            () -> plan.write((1L << 41) * BLOCK_SIZE, new UnsafeBuffer(new byte[BLOCK_SIZE]), 0, BLOCK_SIZE, 1));
        try (FileBlockDevice device = FileBlockDevice.open(dir.resolve("volume"), 4096, 8, true))
        {
            assertThrows(IllegalArgumentException.class, () -> plan.execute(
                new PoolWriter(device, AllocationMap.allData(4096, 8)), device, SystemNanoClock.INSTANCE,
                new AtomicLongArray(1), 0));
        }
    }

    /**
     * @return the bytes on the heap, or in direct memory at an offset into a larger buffer, as a log's records lie
     * in its staging area.
     */
    private static UnsafeBuffer source(final byte[] bytes, final boolean direct)
    {
        if (!direct)
        {
            return new UnsafeBuffer(bytes);
        }
        final UnsafeBuffer memory = new UnsafeBuffer(ByteBuffer.allocateDirect(bytes.length + 4096));
        memory.putBytes(1000, bytes);
        return new UnsafeBuffer(memory, 1000, bytes.length);
    }

    private static byte[] contents(final BlockDevice device) throws IOException
    {
        final ByteBuffer read = ByteBuffer.allocate((int)(device.blockCount() * device.blockSize()));
        device.read(0, read);
        return read.array();
    }

    private static AllocationMap copy(final AllocationMap map)
    {
        final AllocationMap copy = AllocationMap.allData(map.blockSize(), map.blockCount());
        copy.copyFrom(words(map));
        return copy;
    }

    private static long[] words(final AllocationMap map)
    {
        final long[] words = new long[map.wordCount()];
        map.copyTo(words);
        return words;
    }

    /**
     * A device that takes no gathering write (as a wrapper that checks or counts writes): runs are copied first.
     */
    private static class NotGathering implements BlockDevice
    {
        private final BlockDevice device;

        NotGathering(final BlockDevice device)
        {
            this.device = device;
        }

        public int blockSize()
        {
            return device.blockSize();
        }

        public long blockCount()
        {
            return device.blockCount();
        }

        public void read(final long blockIndex, final ByteBuffer dst) throws IOException
        {
            device.read(blockIndex, dst);
        }

        public void write(final long blockIndex, final ByteBuffer src) throws IOException
        {
            device.write(blockIndex, src);
        }

        public void flush() throws IOException
        {
            device.flush();
        }

        public void close()
        {
        }
    }
}
