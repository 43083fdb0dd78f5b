package io.tandem.controller.replay;

import io.tandem.controller.pool.AllocationMap;
import io.tandem.staging.block.BlockDevice;
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
import static org.junit.jupiter.api.Assertions.assertThrows;

class PoolWriterTest
{
    private static final int BLOCK_SIZE = 512;
    private static final int BLOCKS = 512;
    private static final int LENGTH = BLOCK_SIZE * BLOCKS;

    @TempDir
    Path dir;

    @Test
    void bytesWrittenAndZeroedAnywhereLandExactlyThere() throws Exception
    {
        try (FileBlockDevice device = FileBlockDevice.open(dir.resolve("volume"), BLOCK_SIZE, BLOCKS, true))
        {
            final byte[] model = new byte[LENGTH];
            Arrays.fill(model, (byte)0x33);
            device.write(0, ByteBuffer.wrap(model.clone()));
            final PoolWriter writer = new PoolWriter(device, AllocationMap.allData(BLOCK_SIZE, BLOCKS));
            final Random random = new Random(7);
            final byte[] bytes = new byte[3 * PoolWriter.CHUNK_LENGTH];
            for (int i = 0; i < 300; i++)
            {
                final int length = 1 + random.nextInt(i % 10 == 0 ? bytes.length : 3 * BLOCK_SIZE);
                final int offset = random.nextInt(LENGTH - length + 1);
                if (random.nextBoolean())
                {
                    random.nextBytes(bytes);
                    writer.write(offset, new UnsafeBuffer(bytes), 0, length);
                    System.arraycopy(bytes, 0, model, offset, length);
                }
                else
                {
                    writer.zero(offset, length, random.nextBoolean());
                    Arrays.fill(model, offset, offset + length, (byte)0);
                }
            }
            assertArrayEquals(model, contents(device, writer.map()));
        }
    }

    /**
     * Whole blocks zeroed are only marked in the map: the device keeps what it held, which nobody reads any more;
     * a partial write into such a block starts from zeroes, and makes it data again.
     */
    @Test
    void wholeBlocksZeroedAreMarkedNotWritten() throws Exception
    {
        try (FileBlockDevice device = FileBlockDevice.open(dir.resolve("volume"), BLOCK_SIZE, BLOCKS, true))
        {
            final byte[] old = new byte[LENGTH];
            Arrays.fill(old, (byte)0x33);
            device.write(0, ByteBuffer.wrap(old.clone()));
            final PoolWriter writer = new PoolWriter(device, AllocationMap.allData(BLOCK_SIZE, BLOCKS));
            writer.zero(BLOCK_SIZE - 10, 3 * BLOCK_SIZE + 20, true);
            final ByteBuffer raw = ByteBuffer.allocate(LENGTH);
            device.read(0, raw);
            assertEquals(0, raw.get(BLOCK_SIZE - 1), "the partial block before is zeroed on the device");
            assertEquals(0x33, raw.get(2 * BLOCK_SIZE), "whole blocks are not written");
            assertEquals(AllocationMap.HOLE, writer.map().state(1));
            assertEquals(AllocationMap.HOLE, writer.map().state(3));
            assertEquals(AllocationMap.DATA, writer.map().state(4));

            writer.write(2 * BLOCK_SIZE + 100, new UnsafeBuffer(new byte[] {7, 7}), 0, 2);
            assertEquals(AllocationMap.DATA, writer.map().state(2));
            final byte[] expected = old.clone();
            Arrays.fill(expected, BLOCK_SIZE - 10, 4 * BLOCK_SIZE + 10, (byte)0);
            expected[2 * BLOCK_SIZE + 100] = 7;
            expected[2 * BLOCK_SIZE + 101] = 7;
            assertArrayEquals(expected, contents(device, writer.map()));
        }
    }

    /**
     * @return what reading the volume returns: the device's bytes, and zeroes where the map says so.
     */
    static byte[] contents(final BlockDevice device, final AllocationMap map) throws java.io.IOException
    {
        final ByteBuffer read = ByteBuffer.allocate((int)(device.blockCount() * device.blockSize()));
        device.read(0, read);
        final byte[] bytes = read.array();
        for (long block = 0; block < map.blockCount(); block++)
        {
            if (map.readsZero(block))
            {
                Arrays.fill(bytes, (int)(block * device.blockSize()), (int)((block + 1) * device.blockSize()), (byte)0);
            }
        }
        return bytes;
    }

    @Test
    void refusesRangesOutsideTheVolumeAndStripesThatShareBlocks() throws Exception
    {
        try (FileBlockDevice device = FileBlockDevice.open(dir.resolve("volume"), BLOCK_SIZE, BLOCKS, true))
        {
            final PoolWriter writer = new PoolWriter(device, AllocationMap.allData(BLOCK_SIZE, BLOCKS));
            assertThrows(IllegalArgumentException.class, () -> writer.zero(LENGTH - 1, 2, true));
            assertThrows(IllegalArgumentException.class,
                () -> new PoolWriter(device, AllocationMap.allData(BLOCK_SIZE, BLOCKS + 1)));
            assertThrows(IllegalArgumentException.class,
                () -> writer.write(-1, new UnsafeBuffer(new byte[4]), 0, 4));
        }
        assertThrows(IllegalArgumentException.class, () -> PoolWriter.checkStripe(2048, 4096));
        PoolWriter.checkStripe(8192, 4096);
    }
}
