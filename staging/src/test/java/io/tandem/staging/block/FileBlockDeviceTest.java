package io.tandem.staging.block;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FileBlockDeviceTest
{
    @TempDir
    Path dir;

    @Test
    void blocksWrittenReadBackAfterReopen() throws IOException
    {
        final Path file = dir.resolve("disk0.img");
        final byte[] two = new byte[2 * 4096];
        for (int i = 0; i < two.length; i++)
        {
            two[i] = (byte)(i * 31);
        }
        try (FileBlockDevice disk = FileBlockDevice.open(file, 4096, 1024, true))
        {
            assertEquals(4096L * 1024, Files.size(file));
            disk.write(1022, ByteBuffer.wrap(two));
            disk.flush();
        }
        try (FileBlockDevice disk = FileBlockDevice.open(file, 4096, 1024, false))
        {
            final ByteBuffer readBack = ByteBuffer.allocate(two.length);
            disk.read(1022, readBack);
            assertArrayEquals(two, readBack.array());
            final ByteBuffer untouched = ByteBuffer.allocate(4096);
            disk.read(0, untouched);
            assertArrayEquals(new byte[4096], untouched.array());
        }
    }

    @Test
    void refusesRangesOutsideTheDeviceAndPartialBlocks() throws IOException
    {
        try (FileBlockDevice disk = FileBlockDevice.open(dir.resolve("d.img"), 512, 8, true))
        {
            assertThrows(IllegalArgumentException.class, () -> disk.write(7, ByteBuffer.allocate(1024)));
            assertThrows(IllegalArgumentException.class, () -> disk.read(-1, ByteBuffer.allocate(512)));
            assertThrows(IllegalArgumentException.class, () -> disk.write(0, ByteBuffer.allocate(100)));
        }
    }

    @Test
    void fileOfAnotherSizeIsRefusedAndUnchanged() throws IOException
    {
        final Path file = dir.resolve("odd.img");
        Files.write(file, new byte[5000]);
        final IOException ex = assertThrows(IOException.class, () -> FileBlockDevice.open(file, 4096, 2, true));
        assertTrue(ex.getMessage().contains(file.toString()) && ex.getMessage().contains("5000"), ex.getMessage());
        assertEquals(5000, Files.size(file));

        final Path missing = dir.resolve("missing.img");
        assertThrows(IOException.class, () -> FileBlockDevice.open(missing, 4096, 2, false));
        assertTrue(Files.notExists(missing));
    }
}
