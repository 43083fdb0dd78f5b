package io.tandem.controller.replay;

import io.tandem.controller.pool.AllocationMap;
import org.agrona.DirectBuffer;

/**
 * A {@link ReplayTarget} that changes only the {@link AllocationMap}, as a {@link PoolWriter} replaying the same
 * records marks it: every block a write touches becomes data, whole blocks zeroed become zero or hole, a block
 * zeroed in part stays as it was. For a takeover resumed after a crash, whose journal says a stream's replay
 * into the pool was done: the pool holds its bytes, and the map (read again from the pool, as of the CP LSN)
 * learns its blocks again from the stream.
 * <p>
 * Thread-safe as the map is: one per stream and thread.
 */
public final class MapMarks implements ReplayTarget
{
    private final AllocationMap map;
    private final int blockSize;

    public MapMarks(final AllocationMap map)
    {
        this.map = map;
        this.blockSize = map.blockSize();
    }

    public void write(
        final long volumeOffset, final DirectBuffer src, final int srcOffset, final int length, final long lsn)
    {
        final long first = volumeOffset / blockSize;
        map.markData(first, (volumeOffset + length + blockSize - 1) / blockSize - first);
    }

    public void zero(final long volumeOffset, final long length, final boolean hole, final long lsn)
    {
        final long first = (volumeOffset + blockSize - 1) / blockSize;
        final long end = (volumeOffset + length) / blockSize;
        if (end > first)
        {
            map.markZero(first, end - first, hole);
        }
    }
}
