package io.tandem.staging;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.TRUNCATE_EXISTING;
import static java.nio.file.StandardOpenOption.WRITE;

/**
 * Small files replaced so that a crash or a power cut leaves the old one or the new one, whole: the superblock,
 * the marker that names a device's resident memory. Stateless; thread-safe for different files.
 */
public final class DurableFiles
{
    private DurableFiles()
    {
    }

    /**
     * Writes {@code contents} (position to limit; the buffer's position is moved) to {@code file + ".new"}, forces
     * it, renames it over {@code file} and forces the directory.
     */
    public static void replace(final Path file, final ByteBuffer contents) throws IOException
    {
        final Path temp = file.resolveSibling(file.getFileName() + ".new");
        try (FileChannel out = FileChannel.open(temp, CREATE, WRITE, TRUNCATE_EXISTING))
        {
            while (contents.hasRemaining())
            {
                out.write(contents);
            }
            out.force(true);
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        forceDirectory(file.toAbsolutePath().getParent());
    }

    /**
     * Forces {@code dir}'s entries: a file created, renamed or removed in it is so after a power cut.
     */
    public static void forceDirectory(final Path dir) throws IOException
    {
        try (FileChannel channel = FileChannel.open(dir, READ))
        {
            channel.force(true);
        }
    }
}
