package io.tandem.controller.replay;

import io.tandem.controller.pool.AllocationMap;
import io.tandem.staging.block.BlockDevice;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Writes and zeroes byte ranges of the pool's volume, which a {@link BlockDevice} only takes in whole blocks:
 * whole blocks of a range are written as they are, a block the range covers only in part is read, changed and
 * written back. What a takeover replays a mirrored record with.
 * <p>
 * The volume's {@link AllocationMap} goes with it: a block written is marked data; whole blocks zeroed are only
 * marked (zero, or hole if the record allows), nothing written; a block the map says reads as zeroes is read as
 * zeroes, not from the device, when a partial write changes it, and a partial zeroing of it changes nothing.
 * <p>
 * Thread-safe, over a thread-safe device such as the pool's ({@code MappedBlockDevice}), as long as two threads never
 * touch the same block at once: a read-modify-write of a partial block is not atomic, so two writers of the same
 * block would lose each other's bytes. A takeover keeps to that by giving each stream its own thread: stripes
 * are whole blocks ({@link #checkStripe(int, int)}), and a stripe always belongs to the same stream, so two
 * streams never share a block. Each thread works in its own scratch
 * space, allocated on its first call.
 */
public final class PoolWriter implements ReplayTarget
{
    /** Bytes written to the device in one call at most: whole blocks are staged in a scratch of this size. */
    public static final int CHUNK_LENGTH = 64 * 1024;

    private final BlockDevice device;
    private final AllocationMap map;
    private final int blockSize;
    private final long volumeLength;
    private final ThreadLocal<UnsafeBuffer> scratch;

    /**
     * @param map the volume's allocation map, as of what the device holds; marked as the writer goes.
     * @throws IllegalArgumentException if the device's blocks are larger than {@link #CHUNK_LENGTH} or do not
     *                                  divide it, or the map is of another geometry.
     */
    public PoolWriter(final BlockDevice device, final AllocationMap map)
    {
        this.device = device;
        this.map = map;
        this.blockSize = device.blockSize();
        this.volumeLength = device.blockCount() * blockSize;
        if (map.blockSize() != blockSize || map.blockCount() != device.blockCount())
        {
            throw new IllegalArgumentException("a map of " + map.blockCount() + " blocks of " + map.blockSize() +
                " bytes for a volume of " + device.blockCount() + " blocks of " + blockSize);
        }
        if (blockSize > CHUNK_LENGTH || CHUNK_LENGTH % blockSize != 0)
        {
            throw new IllegalArgumentException("block size " + blockSize + " does not divide " + CHUNK_LENGTH);
        }
        this.scratch = ThreadLocal.withInitial(() -> new UnsafeBuffer(ByteBuffer.allocateDirect(CHUNK_LENGTH)));
    }

    /**
     * Checks that streams cut at {@code stripeSize} never share a block of {@code blockSize}, which is what makes
     * one writer thread per stream safe.
     *
     * @throws IllegalArgumentException if a stripe is not a whole number of blocks.
     */
    public static void checkStripe(final int stripeSize, final int blockSize)
    {
        if (stripeSize < blockSize || stripeSize % blockSize != 0)
        {
            throw new IllegalArgumentException("the NVLog's stripe of " + stripeSize +
                " bytes is not a whole number of the pool's " + blockSize + "-byte blocks: two streams would share a" +
                " block, and replaying them in parallel could lose writes");
        }
    }

    public int blockSize()
    {
        return blockSize;
    }

    /**
     * @return the allocation map this writer marks.
     */
    public AllocationMap map()
    {
        return map;
    }

    /**
     * Writes {@code length} bytes of {@code src} from {@code srcOffset} at byte {@code volumeOffset} of the volume.
     * The bytes are durable after the device's flush.
     *
     * @throws IllegalArgumentException if the range is not inside the volume.
     */
    public void write(final long volumeOffset, final DirectBuffer src, final int srcOffset, final int length)
        throws IOException
    {
        checkRange(volumeOffset, length);
        final UnsafeBuffer buffer = scratch.get();
        long at = volumeOffset;
        int from = srcOffset;
        int remaining = length;
        while (remaining > 0)
        {
            final int inBlock = (int)(at % blockSize);
            final int piece;
            if (0 == inBlock && remaining >= blockSize)
            {
                piece = Math.min(remaining / blockSize * blockSize, CHUNK_LENGTH);
                buffer.putBytes(0, src, from, piece);
            }
            else
            {
                piece = Math.min(blockSize - inBlock, remaining);
                readBlock(at / blockSize, buffer);
                buffer.putBytes(inBlock, src, from, piece);
            }
            writeBlocks(at - inBlock, buffer, 0 == inBlock && piece >= blockSize ? piece : blockSize);
            map.markData(at / blockSize, (inBlock + piece + blockSize - 1) / blockSize);
            at += piece;
            from += piece;
            remaining -= piece;
        }
    }

    /**
     * Zeroes {@code length} bytes at byte {@code volumeOffset} of the volume: whole blocks only in the map
     * ({@code hole}: they may be deallocated), the rest of a block covered in part on the device unless the block
     * reads as zeroes already.
     *
     * @throws IllegalArgumentException if the range is not inside the volume.
     */
    public void zero(final long volumeOffset, final long length, final boolean hole) throws IOException
    {
        checkRange(volumeOffset, length);
        final UnsafeBuffer buffer = scratch.get();
        long at = volumeOffset;
        long remaining = length;
        while (remaining > 0)
        {
            final int inBlock = (int)(at % blockSize);
            if (0 == inBlock && remaining >= blockSize)
            {
                final long blocks = remaining / blockSize;
                map.markZero(at / blockSize, blocks, hole);
                at += blocks * blockSize;
                remaining -= blocks * blockSize;
            }
            else
            {
                final int piece = (int)Math.min(blockSize - inBlock, remaining);
                if (!map.readsZero(at / blockSize))
                {
                    readBlock(at / blockSize, buffer);
                    buffer.setMemory(inBlock, piece, (byte)0);
                    writeBlocks(at - inBlock, buffer, blockSize);
                }
                at += piece;
                remaining -= piece;
            }
        }
    }

    private void checkRange(final long volumeOffset, final long length)
    {
        if (volumeOffset < 0 || length < 0 || volumeOffset > volumeLength - length)
        {
            throw new IllegalArgumentException("bytes " + volumeOffset + " to " + (volumeOffset + length) +
                " are not inside the volume of " + volumeLength + " bytes");
        }
    }

    /**
     * Reads a block to change part of it: zeroes if the map says it reads so, whatever the device holds there.
     */
    private void readBlock(final long blockIndex, final UnsafeBuffer buffer) throws IOException
    {
        if (map.readsZero(blockIndex))
        {
            buffer.setMemory(0, blockSize, (byte)0);
            return;
        }
        device.read(blockIndex, buffer.byteBuffer().duplicate().clear().limit(blockSize));
    }

    private void writeBlocks(final long byteOffset, final UnsafeBuffer buffer, final int length) throws IOException
    {
        device.write(byteOffset / blockSize, buffer.byteBuffer().duplicate().clear().limit(length));
    }

    public void write(
        final long volumeOffset, final DirectBuffer src, final int srcOffset, final int length, final long lsn)
        throws IOException
    {
        write(volumeOffset, src, srcOffset, length);
    }

    public void zero(final long volumeOffset, final long length, final boolean hole, final long lsn)
        throws IOException
    {
        zero(volumeOffset, length, hole);
    }
}
