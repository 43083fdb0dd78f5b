package io.tandem.controller.replay;

import io.tandem.staging.block.FileBlockDevice;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
            final PoolWriter writer = new PoolWriter(device);
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
                    writer.zero(offset, length);
                    Arrays.fill(model, offset, offset + length, (byte)0);
                }
            }
            final ByteBuffer read = ByteBuffer.allocate(LENGTH);
            device.read(0, read);
            assertArrayEquals(model, read.array());
        }
    }

    @Test
    void refusesRangesOutsideTheVolumeAndStripesThatShareBlocks() throws Exception
    {
        try (FileBlockDevice device = FileBlockDevice.open(dir.resolve("volume"), BLOCK_SIZE, BLOCKS, true))
        {
            final PoolWriter writer = new PoolWriter(device);
            assertThrows(IllegalArgumentException.class, () -> writer.zero(LENGTH - 1, 2));
            assertThrows(IllegalArgumentException.class,
                () -> writer.write(-1, new UnsafeBuffer(new byte[4]), 0, 4));
        }
        assertThrows(IllegalArgumentException.class, () -> PoolWriter.checkStripe(2048, 4096));
        PoolWriter.checkStripe(8192, 4096);
    }
}
