package io.tandem.controller.nbd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

/**
 * A volume in a file of fixed size, read and written with positional {@link FileChannel} calls on the calling
 * thread, completing every request synchronously inside the {@code submit} call.
 * <p>
 * Durability: a write is in the page cache when it completes (it survives kill -9 of this JVM); FLUSH, and a
 * request with FUA, force the file ({@code fdatasync}) before completing, so they cover every write completed
 * before them on any connection. TRIM does nothing (the data stays; allowed, trimmed content is undefined).
 * WRITE_ZEROES writes zeroes, so the range stays allocated whatever NO_HOLE says.
 * <p>
 * An I/O error completes the request with EIO (ENOSPC when the disk is full); the volume stays usable.
 * <p>
 * Thread-safety: the {@code submit} methods are called by one thread (the server's agent).
 */
public final class FileBlockVolume implements BlockVolume
{
    private static final int ZEROES_LENGTH = 1 << 20;

    private final FileChannel channel;
    private final long size;
    private final ByteBuffer zeroes = ByteBuffer.allocateDirect(ZEROES_LENGTH);

    private FileBlockVolume(final FileChannel channel, final long size)
    {
        this.channel = channel;
        this.size = size;
    }

    /**
     * Opens {@code file}, creating it with {@code size} zero bytes (sparse) if it does not exist.
     *
     * @throws IllegalArgumentException if the file exists with another size.
     */
    public static FileBlockVolume open(final Path file, final long size) throws IOException
    {
        if (size <= 0)
        {
            throw new IllegalArgumentException("size must be positive: " + size);
        }
        if (!Files.exists(file))
        {
            try (FileChannel created = FileChannel.open(file, CREATE_NEW, READ, WRITE))
            {
                created.write(ByteBuffer.allocate(1), size - 1);
                created.force(true);
            }
        }
        final FileChannel channel = FileChannel.open(file, READ, WRITE);
        final long actual = channel.size();
        if (actual != size)
        {
            channel.close();
            throw new IllegalArgumentException("volume file " + file + " holds " + actual + " bytes, not " + size);
        }
        return new FileBlockVolume(channel, size);
    }

    /**
     * Opens an existing file; the volume is as large as the file.
     */
    public static FileBlockVolume openExisting(final Path file) throws IOException
    {
        final FileChannel channel = FileChannel.open(file, READ, WRITE);
        return new FileBlockVolume(channel, channel.size());
    }

    public long size()
    {
        return size;
    }

    public void submitRead(final long token, final long offset, final ByteBuffer dst, final IoCompletion completion)
    {
        int error = NbdProtocol.OK;
        try
        {
            long position = offset;
            while (dst.hasRemaining())
            {
                final int read = channel.read(dst, position);
                if (read < 0)
                {
                    error = NbdProtocol.EIO;
                    break;
                }
                position += read;
            }
        }
        catch (final IOException ex)
        {
            error = errorOf(ex);
        }
        completion.onComplete(token, error);
    }

    public void submitWrite(
        final long token, final long offset, final ByteBuffer src, final boolean fua, final IoCompletion completion)
    {
        int error = NbdProtocol.OK;
        try
        {
            long position = offset;
            while (src.hasRemaining())
            {
                position += channel.write(src, position);
            }
            if (fua)
            {
                channel.force(false);
            }
        }
        catch (final IOException ex)
        {
            error = errorOf(ex);
        }
        completion.onComplete(token, error);
    }

    public void submitFlush(final long token, final IoCompletion completion)
    {
        int error = NbdProtocol.OK;
        try
        {
            channel.force(false);
        }
        catch (final IOException ex)
        {
            error = errorOf(ex);
        }
        completion.onComplete(token, error);
    }

    public void submitTrim(
        final long token, final long offset, final long length, final boolean fua, final IoCompletion completion)
    {
        if (fua)
        {
            submitFlush(token, completion);
        }
        else
        {
            completion.onComplete(token, NbdProtocol.OK);
        }
    }

    public void submitWriteZeroes(
        final long token,
        final long offset,
        final long length,
        final boolean fua,
        final boolean noHole,
        final IoCompletion completion)
    {
        int error = NbdProtocol.OK;
        try
        {
            long position = offset;
            final long end = offset + length;
            while (position < end)
            {
                zeroes.clear().limit((int)Math.min(ZEROES_LENGTH, end - position));
                while (zeroes.hasRemaining())
                {
                    position += channel.write(zeroes, position);
                }
            }
            if (fua)
            {
                channel.force(false);
            }
        }
        catch (final IOException ex)
        {
            error = errorOf(ex);
        }
        completion.onComplete(token, error);
    }

    public void close() throws IOException
    {
        channel.close();
    }

    private static int errorOf(final IOException ex)
    {
        final String message = ex.getMessage();
        return null != message && message.contains("No space left") ? NbdProtocol.ENOSPC : NbdProtocol.EIO;
    }
}
