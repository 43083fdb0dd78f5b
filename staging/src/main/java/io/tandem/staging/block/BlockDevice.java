package io.tandem.staging.block;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A disk of the pool: fixed-size blocks read and written by index. A buffer whose {@code remaining()} is a
 * multiple of the block size covers that many consecutive blocks.
 * <p>
 * Implementations say whether they are thread-safe.
 */
public interface BlockDevice extends AutoCloseable
{
    int blockSize();

    long blockCount();

    /**
     * Reads whole blocks into {@code dst} from its position to its limit, starting at block {@code blockIndex}.
     *
     * @throws IllegalArgumentException if the range is outside the device or not whole blocks.
     */
    void read(long blockIndex, ByteBuffer dst) throws IOException;

    /**
     * Writes whole blocks from {@code src} from its position to its limit, starting at block {@code blockIndex}.
     * The blocks are durable only after {@link #flush()}.
     *
     * @throws IllegalArgumentException if the range is outside the device or not whole blocks.
     */
    void write(long blockIndex, ByteBuffer src) throws IOException;

    /**
     * Writes whole blocks from {@code length} buffers of {@code srcs} from index {@code offset}, each from its
     * position to its limit, one after the other from block {@code blockIndex}, as one gathering write: no copy into
     * one buffer first. Only a device that writes a file does; any other (and any wrapper that checks or counts
     * writes) refuses, writing nothing, and the caller copies the buffers into one and writes that.
     *
     * @return true if the blocks were written; false, by default, with nothing written.
     * @throws IllegalArgumentException if the range is outside the device or not whole blocks.
     */
    default boolean writeGathered(long blockIndex, ByteBuffer[] srcs, int offset, int length) throws IOException
    {
        return false;
    }

    /**
     * Forces every block written so far to the disk.
     */
    void flush() throws IOException;

    /**
     * The blocks written so far are as durable as the pool needs them (forced, where the pool is forced; written,
     * where a process crash is all it must survive): a device that tracks the writes it has in flight, as an
     * array's write-intent bitmap does, may let go of them. Does nothing by default.
     */
    default void settled() throws IOException
    {
    }

    @Override
    void close() throws IOException;
}
