package io.tandem.controller.pool;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What each block of the volume holds, as far as reading it goes: written data, zeroes written and kept allocated,
 * or a hole (never written, trimmed, or zeroed with leave to deallocate). Two bits a block, whose values are the
 * NBD {@code base:allocation} flags the block is reported with:
 * <pre>
 *   {@link #DATA} 0   its bytes are in the write cache or the pool
 *   {@link #ZERO} 2   reads as zeroes; allocated (NBD_STATE_ZERO)
 *   {@link #HOLE} 3   reads as zeroes; not allocated (NBD_STATE_HOLE | NBD_STATE_ZERO)
 * </pre>
 * The map is authoritative for the blocks it says read as zeroes: a read of such a block returns zeroes whatever
 * the pool holds there, so zeroing a whole block writes nothing but the map (and the NVLog record that says so). A
 * block becomes {@link #DATA} again when anything is written into it; a partial write of a zero block starts from
 * zeroes, not from the pool. The map of the pool as of a consistency point's LSN is persisted with it
 * ({@link AllocationMapFile}), and the NVLog's replay above that LSN marks it again.
 * <p>
 * 32 blocks a 64-bit word, block {@code b} at bits {@code 2 * (b % 32)} of word {@code b / 32}. Thread-safe: a
 * word is changed by compare-and-set, so threads marking different blocks of one word (a takeover replays its
 * streams in parallel, each stream its own blocks) lose nothing; reads are volatile. No allocation after
 * construction.
 */
public final class AllocationMap
{
    public static final int DATA = 0;
    public static final int ZERO = 2;
    public static final int HOLE = 3;

    static final int BLOCKS_PER_WORD = 32;
    private static final long EVERY_BLOCK = 0x5555_5555_5555_5555L;

    private final AtomicLongArray words;
    private final long blockCount;
    private final int blockSize;
    private final int blockShift;

    private AllocationMap(final int blockSize, final long blockCount, final int state)
    {
        if (Integer.bitCount(blockSize) != 1 || blockCount < 1)
        {
            throw new IllegalArgumentException("blocks of " + blockSize + " bytes, " + blockCount + " of them");
        }
        this.blockSize = blockSize;
        this.blockShift = Integer.numberOfTrailingZeros(blockSize);
        this.blockCount = blockCount;
        this.words = new AtomicLongArray(wordCount(blockCount));
        if (DATA != state)
        {
            mark(0, blockCount, state);
        }
    }

    /**
     * @return a map of a volume whose blocks all hold data: a pool made before maps were, whose zeroes were
     * written as data.
     */
    public static AllocationMap allData(final int blockSize, final long blockCount)
    {
        return new AllocationMap(blockSize, blockCount, DATA);
    }

    /**
     * @return a map of a volume never written: every block a hole.
     */
    public static AllocationMap allHoles(final int blockSize, final long blockCount)
    {
        return new AllocationMap(blockSize, blockCount, HOLE);
    }

    /**
     * @return the 64-bit words a map of {@code blockCount} blocks takes.
     */
    public static int wordCount(final long blockCount)
    {
        return (int)((blockCount + BLOCKS_PER_WORD - 1) / BLOCKS_PER_WORD);
    }

    public int blockSize()
    {
        return blockSize;
    }

    public int blockShift()
    {
        return blockShift;
    }

    public long blockCount()
    {
        return blockCount;
    }

    public int wordCount()
    {
        return words.length();
    }

    /**
     * @return {@link #DATA}, {@link #ZERO} or {@link #HOLE}.
     */
    public int state(final long block)
    {
        return (int)(words.get((int)(block >>> 5)) >>> shift(block)) & 3;
    }

    /**
     * @return true if reading {@code block} returns zeroes whatever the pool holds there.
     */
    public boolean readsZero(final long block)
    {
        return 0 != (state(block) & ZERO);
    }

    /**
     * Marks {@code count} blocks from {@code first} as holding data: they were written.
     */
    public void markData(final long first, final long count)
    {
        mark(first, count, DATA);
    }

    /**
     * Marks {@code count} blocks from {@code first} as zeroed: {@link #HOLE} if they may be deallocated,
     * {@link #ZERO} if they are to stay allocated.
     */
    public void markZero(final long first, final long count, final boolean hole)
    {
        mark(first, count, hole ? HOLE : ZERO);
    }

    /**
     * Sets {@code count} blocks from {@code first} to {@code state}.
     */
    public void mark(final long first, final long count, final int state)
    {
        if (first < 0 || count < 0 || first > blockCount - count || (state & ~3) != 0)
        {
            throw new IllegalArgumentException("blocks " + first + " +" + count + " of " + blockCount + ", state " +
                state);
        }
        final long pattern = EVERY_BLOCK * state;
        long block = first;
        final long end = first + count;
        while (block < end)
        {
            final int word = (int)(block >>> 5);
            final int from = (int)(block & 31);
            final int to = (int)Math.min(BLOCKS_PER_WORD, end - ((long)word << 5));
            if (0 == from && BLOCKS_PER_WORD == to)
            {
                words.set(word, pattern); // every block of the word is the caller's: nobody else marks it
            }
            else
            {
                final long mask = (-1L >>> (64 - 2 * (to - from))) << (2 * from);
                long old = words.get(word);
                // a write over blocks that hold data already (most of a volume in use) changes nothing: a read,
                // not a locked compare-and-set on the write path
                while ((old & mask) != (pattern & mask) &&
                    !words.compareAndSet(word, old, (old & ~mask) | (pattern & mask)))
                {
                    old = words.get(word);
                }
            }
            block = ((long)word << 5) + to;
        }
    }

    /**
     * @return how many blocks from {@code block} on, at most {@code maxBlocks}, are in the state of
     * {@code block}: at least 1.
     */
    public long run(final long block, final long maxBlocks)
    {
        final long limit = Math.min(blockCount, block + maxBlocks);
        final long pattern = EVERY_BLOCK * state(block);
        long at = block;
        while (at < limit)
        {
            final int word = (int)(at >>> 5);
            final long differs = (words.get(word) ^ pattern) >>> shift(at);
            if (0 != differs)
            {
                final long end = at + (Long.numberOfTrailingZeros(differs) >>> 1);
                return Math.min(end, limit) - block;
            }
            at = ((long)word + 1) << 5;
        }
        return limit - block;
    }

    /**
     * Copies the map's words into {@code dst}, which has at least {@link #wordCount()} elements: the map as it is
     * now, for a consistency point to persist.
     */
    public void copyTo(final long[] dst)
    {
        for (int i = 0, n = words.length(); i < n; i++)
        {
            dst[i] = words.get(i);
        }
    }

    /**
     * Replaces the map with {@code src}'s words, as {@link #copyTo(long[])} gave them.
     */
    public void copyFrom(final long[] src)
    {
        for (int i = 0, n = words.length(); i < n; i++)
        {
            words.set(i, src[i]);
        }
    }

    /**
     * @return the blocks in {@code state}: a scan of the whole map, for the status.
     */
    public long count(final int state)
    {
        long count = 0;
        for (long block = 0; block < blockCount; )
        {
            final long run = run(block, blockCount);
            if (state(block) == state)
            {
                count += run;
            }
            block += run;
        }
        return count;
    }

    private static int shift(final long block)
    {
        return (int)(block & 31) << 1;
    }
}
