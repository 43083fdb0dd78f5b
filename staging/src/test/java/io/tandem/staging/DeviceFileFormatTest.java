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

    /**
     * Byte 26 is a byte of the creation time: patched to a fixed 0x33, it was left as it was, and the test failed,
     * for the 65 s in every 4.7 hours when the creation time holds 0x33 there. Every bit of it is flipped instead.
     */
    @Test
    void damagedHeader() throws IOException
    {
        final byte was = Files.readAllBytes(file)[26];
        patch(26, (byte)~was);
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
