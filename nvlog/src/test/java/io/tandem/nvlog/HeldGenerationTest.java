package io.tandem.nvlog;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static io.tandem.nvlog.TestLogs.small;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The mirror generation a log holds complete: kept across a restart, ordered with the appends, and read as none
 * when the slot is torn.
 */
class HeldGenerationTest
{
    @TempDir
    Path dir;

    @Test
    void aNewLogHoldsNoGenerationAndARecordedOneSurvivesAReopen() throws Exception
    {
        final Path file = dir.resolve("nvram.dev");
        try (NvLog log = NvLog.open(small(file)))
        {
            assertEquals(0, log.heldGeneration());
            final long ticket = log.recordHeldGeneration(42);
            assertTrue(ticket > 0);
            final long marker = log.appendGenerationStart(0, 1, 0, 42);
            assertTrue(marker > ticket, "the marker is ordered after the header write");
            log.device().awaitCompletion(marker);
            assertEquals(42, log.heldGeneration());
            assertEquals(0, log.forEachInStream(0, Long.MIN_VALUE, r -> { }), "a generation start is no data");
        }
        try (NvLog log = NvLog.open(small(file)))
        {
            assertEquals(42, log.heldGeneration(), "kept across a restart");
        }
    }

    @Test
    void aTornSlotReadsAsNoGeneration() throws Exception
    {
        final Path file = dir.resolve("nvram.dev");
        try (NvLog log = NvLog.open(small(file)))
        {
            log.device().awaitCompletion(log.recordHeldGeneration(42));
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE))
        {
            channel.write(ByteBuffer.wrap(new byte[] {7}), deviceOffsetOfSlot(file));
        }
        try (NvLog log = NvLog.open(small(file)))
        {
            assertEquals(0, log.heldGeneration(), "a torn slot vouches for nothing");
        }
    }

    /**
     * @return where the slot's first byte lies in the device file: the device keeps a header of its own before
     * the bytes the log sees, found by looking for the slot's value.
     */
    private static long deviceOffsetOfSlot(final Path file) throws Exception
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            final ByteBuffer bytes = ByteBuffer.allocate(64 << 10);
            channel.read(bytes, 0);
            for (int at = 0; at + 8 <= bytes.position(); at += 4)
            {
                if (bytes.order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(at) == 42 &&
                    at % 512 == HeaderSlot.HELD_GENERATION_OFFSET % 512)
                {
                    return at;
                }
            }
        }
        throw new AssertionError("slot not found");
    }
}
