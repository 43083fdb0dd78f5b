package io.tandem.raid;

import io.tandem.staging.block.BlockDevice;
import org.agrona.BufferUtil;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Which regions of an array may differ between its members, as md's write-intent bitmap: a region's bit is set on
 * the members before the first write to it, and cleared only after a flush that found every member whole and the
 * region not written since the flush before. So after a crash only the regions with bits set need their parity
 * (or mirror copies) made consistent, and while a member is away its bits are never cleared: when it comes back,
 * only the regions written meanwhile are rebuilt.
 * <p>
 * The bits live in every member's reserved area ({@link ArrayGeometry#bitmapBlock()}), one bit per
 * {@link ArrayGeometry#regionStripes()} stripes; a set is written to every member that holds data before the write
 * it covers goes ahead.
 * <p>
 * Thread-safe: marks from any I/O thread; setting and clearing under the bitmap's lock.
 */
final class WriteIntentBitmap
{
    private final ArrayGeometry geometry;
    private final long regionStripes;
    private final int regions;
    private final long[] onDisk;
    private final AtomicLongArray written;
    private final ByteBuffer block;
    private final int bitsPerBlock;

    WriteIntentBitmap(final ArrayGeometry geometry)
    {
        this.geometry = geometry;
        this.regionStripes = geometry.regionStripes();
        this.regions = geometry.regionCount();
        this.onDisk = new long[(regions + 63) / 64];
        this.written = new AtomicLongArray(onDisk.length);
        this.block = BufferUtil.allocateDirectAligned(geometry.blockSize(), 4096).order(ByteOrder.LITTLE_ENDIAN);
        this.bitsPerBlock = geometry.blockSize() * 8;
    }

    int regionOf(final long stripe)
    {
        return (int)(stripe / regionStripes);
    }

    long regionStripes()
    {
        return regionStripes;
    }

    int regions()
    {
        return regions;
    }

    /**
     * @return true if region {@code region}'s bit is set.
     */
    synchronized boolean dirty(final int region)
    {
        return (onDisk[region >>> 6] & (1L << region)) != 0;
    }

    synchronized int dirtyCount()
    {
        int count = 0;
        for (final long word : onDisk)
        {
            count += Long.bitCount(word);
        }
        return count;
    }

    /**
     * Records that {@code stripe} is about to be written; the first write to a clean region first sets its bit on
     * the members ({@code writer}).
     */
    void mark(final long stripe, final Writer writer)
    {
        final int region = regionOf(stripe);
        final int word = region >>> 6;
        final long bit = 1L << region;
        long current;
        do
        {
            current = written.get(word);
        }
        while ((current & bit) == 0 && !written.compareAndSet(word, current, current | bit));
        synchronized (this)
        {
            if ((onDisk[word] & bit) == 0)
            {
                onDisk[word] |= bit;
                writer.write(blockOf(region), encode(blockOf(region)));
            }
        }
    }

    /**
     * After a flush that found every member whole: clears the bits of regions not written since the flush before.
     */
    synchronized void clean(final Writer writer)
    {
        for (int word = 0; word < onDisk.length; word++)
        {
            final long recent = written.getAndSet(word, 0);
            final long clear = onDisk[word] & ~recent;
            if (clear != 0)
            {
                onDisk[word] &= ~clear;
                final int region = word * 64 + Long.numberOfTrailingZeros(clear);
                writer.write(blockOf(region), encode(blockOf(region)));
            }
        }
    }

    /**
     * Clears region {@code region}'s bit once its members agree again (resynced after a crash).
     */
    synchronized void cleanRegion(final int region, final Writer writer)
    {
        final int word = region >>> 6;
        if ((onDisk[word] & (1L << region)) != 0 && (written.get(word) & (1L << region)) == 0)
        {
            onDisk[word] &= ~(1L << region);
            writer.write(blockOf(region), encode(blockOf(region)));
        }
    }

    /**
     * Loads the bits from a member (at assembly): those of the member with the highest age.
     */
    synchronized void load(final BlockDevice device) throws IOException
    {
        final int blocks = (regions + bitsPerBlock - 1) / bitsPerBlock;
        for (int b = 0; b < blocks; b++)
        {
            block.clear();
            device.read(geometry.bitmapBlock() + b, block);
            for (int i = 0; i < bitsPerBlock / 64; i++)
            {
                final int word = b * (bitsPerBlock / 64) + i;
                if (word < onDisk.length)
                {
                    onDisk[word] = block.getLong(i * 8);
                }
            }
        }
        final int spare = onDisk.length * 64 - regions;
        if (spare > 0)
        {
            onDisk[onDisk.length - 1] &= -1L >>> spare;
        }
    }

    private int blockOf(final int region)
    {
        return region / bitsPerBlock;
    }

    private ByteBuffer encode(final int blockIndex)
    {
        block.clear();
        for (int i = 0; i < bitsPerBlock / 64; i++)
        {
            final int word = blockIndex * (bitsPerBlock / 64) + i;
            block.putLong(i * 8, word < onDisk.length ? onDisk[word] : 0);
        }
        return block;
    }

    /**
     * Writes bitmap block {@code index} to the members.
     */
    @FunctionalInterface
    interface Writer
    {
        void write(int index, ByteBuffer block);
    }
}
