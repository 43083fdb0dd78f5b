package io.tandem.primary.cache;

import io.tandem.staging.block.BlockDevice;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A real block device with every write and flush recorded, a flush that can be made to fail, and writes that can
 * be made to fail as a full disk does (after so many bytes) or on an I/O error.
 */
final class RecordingBlockDevice implements BlockDevice
{
    final List<Long> writtenBlocks = new ArrayList<>();
    private final BlockDevice delegate;
    volatile int flushCount;
    volatile int writeCalls;
    volatile boolean failFlush;
    volatile boolean recordWrites = true;
    /** Bytes the device still takes before every write fails with ENOSPC's message; negative: no limit. */
    volatile long spaceLeft = -1;
    /** When set, every write fails with this message. */
    volatile String failWrites;
    volatile long bytesWritten;

    RecordingBlockDevice(final BlockDevice delegate)
    {
        this.delegate = delegate;
    }

    public int blockSize()
    {
        return delegate.blockSize();
    }

    public long blockCount()
    {
        return delegate.blockCount();
    }

    public void read(final long blockIndex, final ByteBuffer dst) throws IOException
    {
        delegate.read(blockIndex, dst);
    }

    public synchronized void write(final long blockIndex, final ByteBuffer src) throws IOException
    {
        writeCalls++;
        if (null != failWrites)
        {
            throw new IOException(failWrites);
        }
        final long left = spaceLeft;
        if (left >= 0)
        {
            if (src.remaining() > left)
            {
                throw new IOException("No space left on device");
            }
            spaceLeft = left - src.remaining();
        }
        bytesWritten += src.remaining();
        final int blocks = recordWrites ? src.remaining() / delegate.blockSize() : 0;
        for (int i = 0; i < blocks; i++)
        {
            writtenBlocks.add(blockIndex + i);
        }
        delegate.write(blockIndex, src);
    }

    public void flush() throws IOException
    {
        if (failFlush)
        {
            throw new IOException("injected flush failure");
        }
        flushCount++;
        delegate.flush();
    }

    public void close() throws IOException
    {
        delegate.close();
    }

    synchronized List<Long> takeWrites()
    {
        final List<Long> writes = new ArrayList<>(writtenBlocks);
        writtenBlocks.clear();
        return writes;
    }
}
