package io.tandem.staging.block;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.TRUNCATE_EXISTING;
import static java.nio.file.StandardOpenOption.WRITE;

/**
 * A {@link BlockDevice} over a file of exactly {@code blockSize * blockCount} bytes (new files are sparse), or over
 * the first {@code blockCount} blocks of a block device given by its path.
 * <p>
 * Thread-safe: positional reads and writes from many threads at once.
 */
public final class FileBlockDevice implements BlockDevice
{
    private final Path file;
    private final FileChannel channel;
    private final int blockSize;
    private final long blockCount;
    private final Object gathering = new Object();

    private FileBlockDevice(final Path file, final FileChannel channel, final int blockSize, final long blockCount)
    {
        this.file = file;
        this.channel = channel;
        this.blockSize = blockSize;
        this.blockCount = blockCount;
    }

    /**
     * Creates the file, or opens an existing one of exactly this size.
     *
     * @throws IOException naming the file if it is missing (and may not be created) or has another size; the
     *                     file is not changed then.
     */
    public static FileBlockDevice open(
        final Path file, final int blockSize, final long blockCount, final boolean createIfMissing) throws IOException
    {
        if (blockSize < 512 || Integer.bitCount(blockSize) != 1)
        {
            throw new IllegalArgumentException("blockSize must be a power of two >= 512: " + blockSize);
        }
        if (blockCount < 1)
        {
            throw new IllegalArgumentException("blockCount must be >= 1: " + blockCount);
        }
        final long length = blockSize * blockCount;
        if (Files.exists(file) && !Files.isRegularFile(file))
        {
            // a block device (or another special file): its own size, of which the first blockCount blocks are used
            final FileChannel channel = FileChannel.open(file, READ, WRITE);
            final long size = channel.size();
            if (size < length)
            {
                channel.close();
                throw new IOException(file + ": device of " + size + " bytes, too small for " + blockCount +
                    " blocks of " + blockSize);
            }
            return new FileBlockDevice(file, channel, blockSize, blockCount);
        }
        if (Files.exists(file))
        {
            final long size = Files.size(file);
            if (size != length)
            {
                throw new IOException(file + ": block device file is " + size + " bytes, expected " + length +
                    " (" + blockCount + " blocks of " + blockSize + ")");
            }
            return new FileBlockDevice(file, FileChannel.open(file, READ, WRITE), blockSize, blockCount);
        }
        if (!createIfMissing)
        {
            throw new IOException(file + ": no such block device file");
        }
        create(file, length);
        return open(file, blockSize, blockCount, false);
    }

    /**
     * Makes the file whole under a name of its own, then links it into place, which fails if another opener (the
     * partner controller, starting at the same time) got there first: either way the file at {@code file} is then
     * whole, and every opener opens the same one.
     */
    private static void create(final Path file, final long length) throws IOException
    {
        final Path made = file.resolveSibling(file.getFileName() + ".new-" + ProcessHandle.current().pid() + "-" +
            Thread.currentThread().getId());
        try
        {
            try (FileChannel channel = FileChannel.open(made, CREATE, TRUNCATE_EXISTING, WRITE))
            {
                channel.write(ByteBuffer.allocate(1), length - 1);
                channel.force(true);
            }
            Files.createLink(file, made);
        }
        catch (final FileAlreadyExistsException ex)
        {
            // made by another opener meanwhile, whole
        }
        catch (final IOException ex)
        {
            throw new IOException(file + ": cannot create block device file (" + ex.getMessage() + ")", ex);
        }
        finally
        {
            Files.deleteIfExists(made);
        }
    }

    public Path file()
    {
        return file;
    }

    public int blockSize()
    {
        return blockSize;
    }

    public long blockCount()
    {
        return blockCount;
    }

    public void read(final long blockIndex, final ByteBuffer dst) throws IOException
    {
        long position = checkRange(blockIndex, dst.remaining());
        while (dst.hasRemaining())
        {
            final int read = channel.read(dst, position);
            if (read < 0)
            {
                throw new IOException(file + ": unexpected end of file at " + position);
            }
            position += read;
        }
    }

    public void write(final long blockIndex, final ByteBuffer src) throws IOException
    {
        long position = checkRange(blockIndex, src.remaining());
        while (src.hasRemaining())
        {
            position += channel.write(src, position);
        }
    }

    /**
     * One {@code writev} at the channel's position, the one thing that uses it: positional reads and writes (and
     * so every other method here) leave it alone, and gathering writes take turns.
     */
    public boolean writeGathered(final long blockIndex, final ByteBuffer[] srcs, final int offset, final int length)
        throws IOException
    {
        long bytes = 0;
        for (int i = offset; i < offset + length; i++)
        {
            bytes += srcs[i].remaining();
        }
        if (bytes > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException(file + ": a gathering write of " + bytes + " bytes");
        }
        final long position = checkRange(blockIndex, (int)bytes);
        synchronized (gathering)
        {
            channel.position(position);
            while (bytes > 0)
            {
                bytes -= channel.write(srcs, offset, length);
            }
        }
        return true;
    }

    public void flush() throws IOException
    {
        channel.force(false);
    }

    public void close() throws IOException
    {
        channel.close();
    }

    long checkRange(final long blockIndex, final int bytes)
    {
        if (bytes % blockSize != 0 || bytes == 0)
        {
            throw new IllegalArgumentException(
                file + ": I/O of " + bytes + " bytes is not a whole number of " + blockSize + "-byte blocks");
        }
        final long blocks = bytes / blockSize;
        if (blockIndex < 0 || blockIndex > blockCount - blocks)
        {
            throw new IllegalArgumentException(file + ": blocks [" + blockIndex + ", " + (blockIndex + blocks) +
                ") outside device of " + blockCount + " blocks");
        }
        return blockIndex * blockSize;
    }
}
