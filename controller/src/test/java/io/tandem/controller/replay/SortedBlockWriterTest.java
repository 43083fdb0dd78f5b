package io.tandem.controller.replay;

import io.tandem.controller.pool.AllocationMap;
import io.tandem.staging.block.FileBlockDevice;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SortedBlockWriterTest
{
    private static final int BLOCK_SIZE = 512;
    private static final int BLOCKS = 4096;
    private static final int LENGTH = BLOCK_SIZE * BLOCKS;

    @TempDir
    Path dir;

    /**
     * Writes that overlap, whole-block ones in any order among partial writes and zeroing, leave the volume as
     * writing them one by one in log order does: the last write of a block wins, and a partial write or a
     * zeroing is never reordered with the whole-block writes around it. Half the seeds write from a source on the
     * heap (runs copied into one buffer), half from direct memory (runs gathered from where they lie).
     */
    @Test
    void endsAsAReplayInLogOrder() throws Exception
    {
        for (int seed = 0; seed < 20; seed++)
        {
            try (FileBlockDevice device = FileBlockDevice.open(dir.resolve("volume-" + seed), BLOCK_SIZE, BLOCKS, true))
            {
                final byte[] model = new byte[LENGTH];
                Arrays.fill(model, (byte)0x33);
                device.write(0, ByteBuffer.wrap(model.clone()));
                final Random random = new Random(seed);
                // the source stays unchanged until finish, as the mirror log's staging area does in a takeover
                final byte[] log = new byte[1 << 20];
                random.nextBytes(log);
                final UnsafeBuffer source = source(log, seed % 2 == 1);
                final PoolWriter poolWriter = new PoolWriter(device, AllocationMap.allData(BLOCK_SIZE, BLOCKS));
                final SortedBlockWriter writer = new SortedBlockWriter(poolWriter, device);
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
                    if (kind == 9 && random.nextBoolean())
                    {
                        writer.zero(offset, length, random.nextBoolean(), i);
                        Arrays.fill(model, offset, offset + length, (byte)0);
                    }
                    else
                    {
                        final int at = random.nextInt(log.length - length + 1);
                        writer.write(offset, source, at, length, i);
                        System.arraycopy(log, at, model, offset, length);
                    }
                }
                writer.finish();
                assertArrayEquals(model, PoolWriterTest.contents(device, poolWriter.map()), "seed " + seed);
            }
        }
    }

    /**
     * A zeroing of whole blocks only marks the map: it writes nothing out, and what was collected for its blocks
     * before it may go to the device later, as a replay in log order would have written it there before the mark.
     * A partial write of a zeroed block starts from zeroes; a zeroing of part of a block reads the block, so what
     * was collected goes out first.
     */
    @Test
    void aWholeBlockZeroingWritesNothingOutAndTheVolumeStillEndsAsInLogOrder() throws Exception
    {
        try (FileBlockDevice device = FileBlockDevice.open(dir.resolve("volume"), BLOCK_SIZE, 8, true))
        {
            final byte[] model = new byte[8 * BLOCK_SIZE];
            Arrays.fill(model, (byte)0x33);
            device.write(0, ByteBuffer.wrap(model.clone()));
            final byte[] log = new byte[16 * BLOCK_SIZE];
            new Random(7).nextBytes(log);
            final UnsafeBuffer source = new UnsafeBuffer(log);
            final PoolWriter poolWriter = new PoolWriter(device, AllocationMap.allData(BLOCK_SIZE, 8));
            final SortedBlockWriter writer = new SortedBlockWriter(poolWriter, device);

            writer.write(0, source, 0, 4 * BLOCK_SIZE, 1); // blocks 0-3
            System.arraycopy(log, 0, model, 0, 4 * BLOCK_SIZE);
            writer.zero(BLOCK_SIZE, 2 * BLOCK_SIZE, false, 2); // blocks 1-2, whole
            Arrays.fill(model, BLOCK_SIZE, 3 * BLOCK_SIZE, (byte)0);
            assertEquals(0, writer.deviceWrites(), "a whole-block zeroing wrote out what was collected");
            writer.write(2 * BLOCK_SIZE, source, 8 * BLOCK_SIZE, BLOCK_SIZE, 3); // block 2 again
            System.arraycopy(log, 8 * BLOCK_SIZE, model, 2 * BLOCK_SIZE, BLOCK_SIZE);
            writer.write(BLOCK_SIZE + 100, source, 12 * BLOCK_SIZE, 100, 4); // part of zeroed block 1
            System.arraycopy(log, 12 * BLOCK_SIZE, model, BLOCK_SIZE + 100, 100);
            writer.write(5 * BLOCK_SIZE, source, 9 * BLOCK_SIZE, BLOCK_SIZE, 5); // block 5
            System.arraycopy(log, 9 * BLOCK_SIZE, model, 5 * BLOCK_SIZE, BLOCK_SIZE);
            writer.zero(3 * BLOCK_SIZE + 10, 20, true, 6); // part of block 3
            Arrays.fill(model, 3 * BLOCK_SIZE + 10, 3 * BLOCK_SIZE + 30, (byte)0);
            writer.finish();

            assertArrayEquals(model, PoolWriterTest.contents(device, poolWriter.map()));
            assertFalse(poolWriter.map().readsZero(1), "block 1 was written in part after its zeroing");
            assertFalse(poolWriter.map().readsZero(2), "block 2 was written after its zeroing");
        }
    }

    /**
     * More writes than a writer collects at once: it writes them out when full, in the middle of a write if need
     * be, and goes on; the last write of each block still wins.
     */
    @Test
    void aWriterThatFillsUpWritesOutAndGoesOn() throws Exception
    {
        final int blocks = 64;
        try (FileBlockDevice device = FileBlockDevice.open(dir.resolve("volume"), BLOCK_SIZE, blocks, true))
        {
            final byte[] log = new byte[blocks * BLOCK_SIZE];
            new Random(3).nextBytes(log);
            final UnsafeBuffer source = new UnsafeBuffer(log);
            final byte[] model = new byte[blocks * BLOCK_SIZE];
            final SortedBlockWriter writer =
                new SortedBlockWriter(new PoolWriter(device, AllocationMap.allData(BLOCK_SIZE, blocks)), device);
            final Random random = new Random(5);
            long collected = 0;
            for (int i = 0; collected < SortedBlockWriter.MAX_BLOCKS + 1000; i++)
            {
                final int first = random.nextInt(blocks - 2);
                final int from = random.nextInt(blocks - 2);
                writer.write((long)first * BLOCK_SIZE, source, from * BLOCK_SIZE, 3 * BLOCK_SIZE, i);
                System.arraycopy(log, from * BLOCK_SIZE, model, first * BLOCK_SIZE, 3 * BLOCK_SIZE);
                collected += 3;
            }
            assertTrue(writer.deviceWrites() > 0, "nothing went out when the writer was full");
            writer.finish();
            final ByteBuffer read = ByteBuffer.allocate(blocks * BLOCK_SIZE);
            device.read(0, read);
            assertArrayEquals(model, read.array());
        }
    }

    /**
     * Stripes of a sequential stream, written in any order, go out as one device write per run of adjacent
     * blocks, at most {@link SortedBlockWriter#RUN_LENGTH} bytes each; a block written twice goes out once.
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
            final SortedBlockWriter writer =
                new SortedBlockWriter(new PoolWriter(device, AllocationMap.allData(blockSize, blocks)), device);
            // 64 KiB pieces of the first 3 MiB, backwards, then the first piece again
            final int piece = 16 * blockSize;
            for (int at = 3 * (1 << 20) - piece; at >= 0; at -= piece)
            {
                writer.write(at, source, at, piece, 0);
            }
            writer.write(0, source, 0, piece, 1);
            assertEquals(0, writer.deviceWrites(), "nothing goes out before the end");
            writer.finish();
            assertEquals(3, writer.deviceWrites());
            assertEquals(3 * (1 << 20) / blockSize, writer.blocksWritten());
            final ByteBuffer read = ByteBuffer.allocate(3 << 20);
            device.read(0, read);
            assertArrayEquals(Arrays.copyOf(log, 3 << 20), read.array());
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
}
