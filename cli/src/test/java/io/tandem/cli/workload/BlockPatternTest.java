package io.tandem.cli.workload;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BlockPatternTest
{
    private static final int LENGTH = 4096;
    private final UnsafeBuffer block = new UnsafeBuffer(ByteBuffer.allocateDirect(LENGTH));

    @Test
    void aWrittenBlockChecksOutAsItsVersion()
    {
        BlockPattern.fill(block, LENGTH, 17, 5, 99);
        assertEquals(5, BlockPattern.check(block, LENGTH, 17, 99));
        assertEquals("version 5", BlockPattern.describe(block, LENGTH, 17, 99));
    }

    @Test
    void versionsAndBlocksDifferInTheirData()
    {
        final UnsafeBuffer other = new UnsafeBuffer(ByteBuffer.allocateDirect(LENGTH));
        BlockPattern.fill(block, LENGTH, 17, 5, 99);
        BlockPattern.fill(other, LENGTH, 17, 6, 99);
        assertNotEquals(block.getLong(LENGTH - 8), other.getLong(LENGTH - 8));
        BlockPattern.fill(other, LENGTH, 18, 5, 99);
        assertNotEquals(block.getLong(LENGTH - 8), other.getLong(LENGTH - 8));
    }

    @Test
    void everyKindOfDamageIsNamed()
    {
        assertEquals(BlockPattern.UNWRITTEN, BlockPattern.check(block, LENGTH, 3, 1));

        BlockPattern.fill(block, LENGTH, 3, 1, 1);
        assertEquals(BlockPattern.WRONG_BLOCK, BlockPattern.check(block, LENGTH, 4, 1));
        assertTrue(BlockPattern.describe(block, LENGTH, 4, 1).contains("misdirected"));
        assertEquals(BlockPattern.WRONG_SEED, BlockPattern.check(block, LENGTH, 3, 2));

        block.putByte(LENGTH - 1, (byte)(block.getByte(LENGTH - 1) ^ 0x80));
        assertEquals(BlockPattern.CORRUPT, BlockPattern.check(block, LENGTH, 3, 1));
        assertEquals("version 1 with bad data from byte 4095 (torn or corrupt)",
            BlockPattern.describe(block, LENGTH, 3, 1));

        block.putLong(0, 0x1234);
        assertEquals(BlockPattern.NOT_A_BLOCK, BlockPattern.check(block, LENGTH, 3, 1));
    }
}
