package io.tandem.staging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Large buffers that cost nothing until used. {@code ByteBuffer.allocateDirect} zeroes every byte up front: 256 MiB
 * took about a second on a loaded 2-core machine, and a controller paid it for its cache and its NVRAM's staging
 * area at every start and every role change, with the volume unserved meanwhile. A file in shared memory
 * ({@code /dev/shm}), sized without writing it, mapped, and unlinked at once gives page-aligned memory whose pages
 * the kernel zero-fills on first touch; it belongs to the process and goes with the mapping (when the buffer is
 * collected, or the process exits). Where there is no {@code /dev/shm}, a direct buffer, aligned.
 * <p>
 * Stateless; thread-safe.
 */
public final class LazyMemory
{
    private static final Path SHARED_MEMORY = Path.of("/dev/shm");

    private LazyMemory()
    {
    }

    /**
     * @return {@code length} bytes of zeroed, page-aligned memory, touched only as used.
     */
    public static ByteBuffer allocate(final int length)
    {
        if (!Files.isDirectory(SHARED_MEMORY) || !Files.isWritable(SHARED_MEMORY))
        {
            return org.agrona.BufferUtil.allocateDirectAligned(length, 4096);
        }
        try
        {
            final Path file = Files.createTempFile(SHARED_MEMORY, "tandem-memory-", ".tmp");
            try (java.io.RandomAccessFile sized = new java.io.RandomAccessFile(file.toFile(), "rw"))
            {
                sized.setLength(length); // sparse: no page is written
                return sized.getChannel().map(FileChannel.MapMode.READ_WRITE, 0, length);
            }
            finally
            {
                Files.deleteIfExists(file); // the mapping keeps the memory; the name goes now
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot map " + length + " bytes of shared memory", ex);
        }
    }
}
