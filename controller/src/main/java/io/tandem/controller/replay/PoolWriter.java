package io.tandem.controller.replay;

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
    private final int blockSize;
    private final long volumeLength;
    private final ThreadLocal<UnsafeBuffer> scratch;

    /**
     * @throws IllegalArgumentException if the device's blocks are larger than {@link #CHUNK_LENGTH} or do not
     *                                  divide it.
     */
    public PoolWriter(final BlockDevice device)
    {
        this.device = device;
        this.blockSize = device.blockSize();
        this.volumeLength = device.blockCount() * blockSize;
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
            at += piece;
            from += piece;
            remaining -= piece;
        }
    }

    /**
     * Writes {@code length} zero bytes at byte {@code volumeOffset} of the volume.
     *
     * @throws IllegalArgumentException if the range is not inside the volume.
     */
    public void zero(final long volumeOffset, final long length) throws IOException
    {
        checkRange(volumeOffset, length);
        final UnsafeBuffer buffer = scratch.get();
        long at = volumeOffset;
        long remaining = length;
        boolean chunkZeroed = false;
        while (remaining > 0)
        {
            final int inBlock = (int)(at % blockSize);
            if (0 == inBlock && remaining >= blockSize)
            {
                final int piece = (int)Math.min(remaining / blockSize * blockSize, CHUNK_LENGTH);
                if (!chunkZeroed)
                {
                    buffer.setMemory(0, CHUNK_LENGTH, (byte)0);
                    chunkZeroed = true;
                }
                writeBlocks(at, buffer, piece);
                at += piece;
                remaining -= piece;
            }
            else
            {
                final int piece = (int)Math.min(blockSize - inBlock, remaining);
                readBlock(at / blockSize, buffer);
                buffer.setMemory(inBlock, piece, (byte)0);
                writeBlocks(at - inBlock, buffer, blockSize);
                chunkZeroed = false;
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

    private void readBlock(final long blockIndex, final UnsafeBuffer buffer) throws IOException
    {
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

    public void zero(final long volumeOffset, final long length, final long lsn) throws IOException
    {
        zero(volumeOffset, length);
    }
}
