package io.tandem.staging;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A device file that is not what the context describes is refused with an error naming the file and the
 * problem, and is left byte for byte as it was.
 */
class DeviceFileFormatTest
{
    @TempDir
    Path dir;

    private Path file;

    @BeforeEach
    void createDevice() throws IOException
    {
        file = dir.resolve("nvram.dev");
        NvramDevice.open(context()).close();
    }

    private NvramContext context()
    {
        return new NvramContext().file(file).capacity(64 * 1024).blockSize(512).regionSize(4096);
    }

    @Test
    void wrongMagic() throws IOException
    {
        patch(0, (byte)'X');
        assertRefused(context(), "bad magic");
    }

    @Test
    void otherFormatVersion() throws IOException
    {
        patch(8, (byte)7);
        assertRefused(context(), "format version 7");
    }

    @Test
    void damagedHeader() throws IOException
    {
        patch(26, (byte)0x33);
        assertRefused(context(), "CRC");
    }

    @Test
    void truncatedFile() throws IOException
    {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            raf.setLength(raf.length() - 100);
        }
        assertRefused(context(), "truncated or extended");
    }

    @Test
    void fileTooShortForAHeader() throws IOException
    {
        Files.write(file, new byte[10]);
        assertRefused(context(), "too short");
    }

    @Test
    void otherGeometry() throws IOException
    {
        assertRefused(context().capacity(128 * 1024), "capacity 65536");
        assertRefused(context().blockSize(1024).regionSize(4096), "block size 512");
    }

    @Test
    void missingFileWhenCreationIsOff() throws IOException
    {
        Files.delete(file);
        final StagingFormatException ex = assertThrows(
            StagingFormatException.class, () -> NvramDevice.open(context().createIfMissing(false)));
        assertTrue(ex.getMessage().contains(file.toString()));
        assertTrue(Files.notExists(file));
    }

    private void patch(final long offset, final byte value) throws IOException
    {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            raf.seek(offset);
            raf.write(value);
        }
    }

    private void assertRefused(final NvramContext ctx, final String problem) throws IOException
    {
        final byte[] before = Files.readAllBytes(file);
        final StagingFormatException ex = assertThrows(StagingFormatException.class, () -> NvramDevice.open(ctx));
        assertTrue(ex.getMessage().contains(file.toString()), ex.getMessage());
        assertTrue(ex.getMessage().contains(problem), ex.getMessage());
        assertArrayEquals(before, Files.readAllBytes(file), "a refused file must not change");
    }
}
