package io.tandem.staging.block;

import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

/**
 * A {@link FileBlockDevice} whose blocks are also reached through a shared memory mapping of its file: reading a
 * block this process wrote, or writing one again, is a copy into the kernel's page cache instead of a system
 * call. A consistency point destaging random 4 KiB pages spends most of its time in those calls.
 * <p>
 * The first write of each block in this process goes through the file ({@code pwrite}): that is where the file
 * system allocates the block of a sparse file, and where a full disk is reported as an {@link IOException}. Only
 * blocks so written are reached through the mapping afterwards, for reads too: a mapped access to an unallocated
 * block may need the file system to allocate a page (tmpfs does, even to read a hole), and on a full disk that is
 * a SIGBUS, not an error code. Reads of blocks not yet written by this process go through the file
 * ({@code pread}), which reads a hole as zeroes without allocating it. (A block this process wrote is allocated,
 * so its mapped page can only fault if the file is truncated under the device; the JVM then throws an
 * InternalError, possibly a little after the copy: that is not turned into an error code.) Blocks written
 * through the mapping sit in the same page cache as the file's, so they survive the death of the process exactly
 * as written ones do, and {@link #flush()} ({@code fdatasync}) forces them too.
 * <p>
 * Reads of blocks written before this process opened the device go through the file until it writes them: the
 * device cannot tell an allocated block from a hole without asking the file system.
 * <p>
 * The mapping is in segments of at most 1 GiB. It is not unmapped by {@link #close()}, which closes the file
 * only: a thread still reading or writing a closed device must get an error, not a fault; the garbage collector
 * unmaps it.
 * <p>
 * Thread-safe as {@link FileBlockDevice} is: many threads may read and write at once, never the same block. The
 * record of written blocks is updated without locks: a racing update can only forget a block, which then goes
 * through the file once more.
 */
public final class MappedBlockDevice implements BlockDevice
{
    static final int SEGMENT_SHIFT = 30;

    private final FileBlockDevice file;
    private final int segmentShift;
    private final long segmentMask;
    private final int blockSize;
    private final int blockShift;
    private final long blockCount;
    private final UnsafeBuffer[] segments;
    private final long[] writtenBlocks;
    private volatile boolean closed;

    private MappedBlockDevice(final FileBlockDevice file, final int segmentShift) throws IOException
    {
        this.file = file;
        this.segmentShift = segmentShift;
        this.segmentMask = (1L << segmentShift) - 1;
        this.blockSize = file.blockSize();
        this.blockShift = Integer.numberOfTrailingZeros(blockSize);
        this.blockCount = file.blockCount();
        final long length = blockCount << blockShift;
        final long segmentLength = 1L << segmentShift;
        this.segments = new UnsafeBuffer[(int)((length + segmentLength - 1) >>> segmentShift)];
        try (FileChannel channel = FileChannel.open(file.file(), READ, WRITE))
        {
            for (int i = 0; i < segments.length; i++)
            {
                final long position = (long)i << segmentShift;
                segments[i] = new UnsafeBuffer(
                    channel.map(FileChannel.MapMode.READ_WRITE, position, Math.min(segmentLength, length - position)));
            }
        }
        this.writtenBlocks = new long[(int)((blockCount + 63) >>> 6)];
    }

    /**
     * Opens as {@link FileBlockDevice#open(Path, int, long, boolean)} does, then maps the file.
     *
     * @throws IOException as that does, or naming the file if it cannot be mapped.
     */
    public static MappedBlockDevice open(
        final Path path, final int blockSize, final long blockCount, final boolean createIfMissing) throws IOException
    {
        return open(path, blockSize, blockCount, createIfMissing, SEGMENT_SHIFT);
    }

    /**
     * @param segmentShift log2 of the largest mapping; tests map small segments to cross their edges.
     */
    static MappedBlockDevice open(final Path path, final int blockSize, final long blockCount,
        final boolean createIfMissing, final int segmentShift) throws IOException
    {
        if (blockSize > 1 << segmentShift)
        {
            throw new IllegalArgumentException("blockSize must be at most the mapping segment, " +
                (1 << segmentShift) + " bytes: " + blockSize);
        }
        final FileBlockDevice file = FileBlockDevice.open(path, blockSize, blockCount, createIfMissing);
        try
        {
            return new MappedBlockDevice(file, segmentShift);
        }
        catch (final IOException | RuntimeException ex)
        {
            file.close();
            throw new IOException(path + ": cannot map the block device file (" + ex.getMessage() + ")", ex);
        }
    }

    public Path file()
    {
        return file.file();
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
        final int blocks = dst.remaining() >>> blockShift;
        file.checkRange(blockIndex, dst.remaining());
        checkOpen();
        if (!allWritten(blockIndex, blocks))
        {
            file.read(blockIndex, dst);
            return;
        }
        copy(blockIndex, dst, false);
    }

    public void write(final long blockIndex, final ByteBuffer src) throws IOException
    {
        final int blocks = src.remaining() >>> blockShift;
        file.checkRange(blockIndex, src.remaining());
        checkOpen();
        if (!allWritten(blockIndex, blocks))
        {
            file.write(blockIndex, src);
            markWritten(blockIndex, blocks);
            return;
        }
        copy(blockIndex, src, true);
    }

    /**
     * Forces the file, blocks written through the mapping included ({@code fdatasync} writes back every dirty page
     * of the file).
     */
    public void flush() throws IOException
    {
        file.flush();
    }

    public void close() throws IOException
    {
        closed = true;
        file.close();
    }

    /**
     * @return whether the block has been written through the file by this process, so that later writes of it go
     * through the mapping; for tests.
     */
    boolean isWrittenThroughFile(final long blockIndex)
    {
        return 0 != (writtenBlocks[(int)(blockIndex >>> 6)] & (1L << blockIndex));
    }

    /**
     * Copies between {@code buffer}, from its position to its limit, and the mapping from block {@code blockIndex}
     * on, segment by segment; the buffer's position ends at its limit. Every pass moves at least one byte or
     * throws, so it cannot spin.
     */
    private void copy(final long blockIndex, final ByteBuffer buffer, final boolean toDevice)
    {
        long position = blockIndex << blockShift;
        while (buffer.hasRemaining())
        {
            final UnsafeBuffer segment = segments[(int)(position >>> segmentShift)];
            final int offset = (int)(position & segmentMask);
            final int length = Math.min(buffer.remaining(), segment.capacity() - offset);
            if (length <= 0)
            {
                throw new IllegalStateException(file.file() + ": no mapped bytes at " + position);
            }
            if (toDevice)
            {
                segment.putBytes(offset, buffer, buffer.position(), length);
            }
            else
            {
                segment.getBytes(offset, buffer, buffer.position(), length);
            }
            buffer.position(buffer.position() + length);
            position += length;
        }
    }

    private void checkOpen() throws IOException
    {
        if (closed)
        {
            throw new IOException(file.file() + ": block device closed");
        }
    }

    private boolean allWritten(final long first, final int count)
    {
        for (long block = first, end = first + count; block < end; block++)
        {
            if (0 == (writtenBlocks[(int)(block >>> 6)] & (1L << block)))
            {
                return false;
            }
        }
        return true;
    }

    private void markWritten(final long first, final int count)
    {
        for (long block = first, end = first + count; block < end; block++)
        {
            writtenBlocks[(int)(block >>> 6)] |= 1L << block;
        }
    }
}
