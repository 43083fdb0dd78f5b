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
     * zeroing is never reordered with the whole-block writes around it.
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
                final UnsafeBuffer source = new UnsafeBuffer(log);
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
     * Stripes of a sequential stream, written in any order, go out as one device write per run of adjacent
     * blocks, at most {@link SortedBlockWriter#RUN_LENGTH} bytes each; a block written twice goes out once.
     */
    @Test
    void adjacentBlocksGoOutInOneWriteEach() throws Exception
    {
        final int blockSize = 4096;
        final int blocks = 1024;
        try (FileBlockDevice device = FileBlockDevice.open(dir.resolve("volume"), blockSize, blocks, true))
        {
            final byte[] log = new byte[blocks * blockSize];
            new Random(1).nextBytes(log);
            final UnsafeBuffer source = new UnsafeBuffer(log);
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
}
