package io.tandem.staging.block;

import io.tandem.staging.testing.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MappedBlockDeviceTest
{
    private static final int BLOCK = 4096;

    @TempDir
    Path dir;

    @Test
    void aBlockIsWrittenThroughTheFileFirstAndThroughTheMappingAfter() throws IOException
    {
        final Path file = dir.resolve("disk.img");
        try (MappedBlockDevice disk = MappedBlockDevice.open(file, BLOCK, 16, true))
        {
            assertEquals(16L * BLOCK, Files.size(file));
            assertFalse(disk.isWrittenThroughFile(3));
            disk.write(3, filled(1, (byte)0x11));
            assertTrue(disk.isWrittenThroughFile(3));
            assertFalse(disk.isWrittenThroughFile(2) || disk.isWrittenThroughFile(4));
            disk.write(3, filled(1, (byte)0x22));
            assertArrayEquals(filled(1, (byte)0x22).array(), read(disk, 3, 1), "read through the mapping");
            try (FileBlockDevice plain = FileBlockDevice.open(file, BLOCK, 16, false))
            {
                assertArrayEquals(filled(1, (byte)0x22).array(), read(plain, 3, 1), "the mapped write is in the file");
            }

            // a range with one block never written goes through the file as a whole
            disk.write(2, filled(2, (byte)0x33));
            assertTrue(disk.isWrittenThroughFile(2) && disk.isWrittenThroughFile(3));
            disk.flush();
        }
        try (FileBlockDevice plain = FileBlockDevice.open(file, BLOCK, 16, false))
        {
            assertArrayEquals(filled(2, (byte)0x33).array(), read(plain, 2, 2));
            assertArrayEquals(new byte[BLOCK], read(plain, 0, 1));
        }
    }

    @Test
    void readsAndWritesCrossTheEdgesOfMappedSegments() throws IOException
    {
        final Path file = dir.resolve("segments.img");
        // 8 KiB segments: two blocks each; five blocks span three segments
        try (MappedBlockDevice disk = MappedBlockDevice.open(file, BLOCK, 7, true, 13))
        {
            final ByteBuffer pattern = ByteBuffer.allocate(5 * BLOCK);
            for (int i = 0; i < pattern.capacity(); i++)
            {
                pattern.put(i, (byte)(i * 7 + i / BLOCK));
            }
            disk.write(1, pattern.duplicate());
            disk.write(1, pattern.duplicate());
            assertTrue(disk.isWrittenThroughFile(5));
            assertArrayEquals(pattern.array(), read(disk, 1, 5));
            final ByteBuffer direct = ByteBuffer.allocateDirect(5 * BLOCK);
            disk.read(1, direct);
            direct.flip();
            assertEquals(pattern, direct);
        }
        try (FileBlockDevice plain = FileBlockDevice.open(file, BLOCK, 7, false))
        {
            final byte[] all = read(plain, 0, 7);
            for (int i = 0; i < 5 * BLOCK; i++)
            {
                assertEquals((byte)(i * 7 + i / BLOCK), all[BLOCK + i], "byte " + i);
            }
        }
    }

    @Test
    void badRangesAndAClosedDeviceAreErrorsNotFaults() throws IOException
    {
        final MappedBlockDevice disk = MappedBlockDevice.open(dir.resolve("d.img"), 512, 8, true);
        assertThrows(IllegalArgumentException.class, () -> disk.write(7, ByteBuffer.allocate(1024)));
        assertThrows(IllegalArgumentException.class, () -> disk.read(-1, ByteBuffer.allocate(512)));
        assertThrows(IllegalArgumentException.class, () -> disk.write(0, ByteBuffer.allocate(100)));
        disk.write(0, ByteBuffer.allocate(512));
        disk.close();
        final IOException ex = assertThrows(IOException.class, () -> disk.write(0, ByteBuffer.allocate(512)));
        assertTrue(ex.getMessage().contains("closed"), ex.getMessage());
        assertThrows(IOException.class, () -> disk.read(0, ByteBuffer.allocate(512)));

        final Path odd = dir.resolve("odd.img");
        Files.write(odd, new byte[5000]);
        assertThrows(IOException.class, () -> MappedBlockDevice.open(odd, BLOCK, 2, true));
        assertEquals(5000, Files.size(odd));
    }

    /**
     * A mapped access to a page its file system cannot back is a SIGBUS: on a full tmpfs even reading a hole is.
     * Blocks this process has not written are read through the file, so a block with no backing (here, past the
     * end of a file that shrank) is an IOException, not a fault.
     */
    @Test
    void aBlockNotWrittenByThisProcessIsReadThroughTheFile() throws IOException
    {
        final Path file = dir.resolve("shrunk.img");
        try (MappedBlockDevice disk = MappedBlockDevice.open(file, BLOCK, 4, true))
        {
            disk.write(0, filled(1, (byte)0x11));
            assertArrayEquals(new byte[BLOCK], read(disk, 1, 1), "a hole reads as zeroes");
            try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file,
                java.nio.file.StandardOpenOption.WRITE))
            {
                channel.truncate(BLOCK);
            }
            assertArrayEquals(filled(1, (byte)0x11).array(), read(disk, 0, 1));

            final IOException unwritten = assertThrows(IOException.class,
                () -> disk.read(2, ByteBuffer.allocate(BLOCK)));
            assertTrue(unwritten.getMessage().contains("end of file"), unwritten.getMessage());
        }
    }

    /**
     * kill -9 of a process writing through the mapping: every write that returned is in the file. Blocks that
     * were being written when it died may hold the old round or the new one, or a mix, as a disk's may.
     */
    @Test
    void everyReturnedMappedWriteSurvivesKillNine() throws Exception
    {
        final int blocks = 64;
        final Path file = dir.resolve("crash.img");
        final long[] lastRound = new long[blocks];
        try (ChildJvm child = ChildJvm.start(MappedCrashChild.class, dir.resolve("child.err"),
            file.toString(), Integer.toString(blocks)))
        {
            assertEquals("READY", child.readLine(), "child did not start; see " + child.stderr());
            String line;
            // well into the mapped rounds, then kill; then take what it printed before it died
            while (lastRound[blocks - 1] < 40 && null != (line = child.readLine()))
            {
                record(line, lastRound);
            }
            child.kill();
            while (null != (line = child.readLine()))
            {
                record(line, lastRound);
            }
        }
        assertTrue(lastRound[0] >= 40, "the child wrote " + lastRound[0] + " rounds");
        try (FileBlockDevice plain = FileBlockDevice.open(file, BLOCK, blocks, false))
        {
            final ByteBuffer block = ByteBuffer.allocate(BLOCK);
            for (int index = 0; index < blocks; index++)
            {
                block.clear();
                plain.read(index, block);
                for (int word = 0; word < BLOCK / 8; word++)
                {
                    final long value = block.getLong(word * 8);
                    assertEquals(index, (int)(value >>> 32), "block " + index + " word " + word);
                    assertTrue((int)value >= lastRound[index], "block " + index + " word " + word + " holds round " +
                        (int)value + ", older than round " + lastRound[index] + " whose write returned");
                }
            }
        }
    }

    private static void record(final String line, final long[] lastRound)
    {
        final int space = line.indexOf(' ');
        lastRound[Integer.parseInt(line.substring(0, space))] = Long.parseLong(line.substring(space + 1));
    }

    private static ByteBuffer filled(final int blocks, final byte value)
    {
        final ByteBuffer buffer = ByteBuffer.allocate(blocks * BLOCK);
        for (int i = 0; i < buffer.capacity(); i++)
        {
            buffer.put(i, value);
        }
        return buffer;
    }

    private static byte[] read(final BlockDevice disk, final long block, final int blocks) throws IOException
    {
        final ByteBuffer buffer = ByteBuffer.allocate(blocks * disk.blockSize());
        disk.read(block, buffer);
        return buffer.array();
    }
}
