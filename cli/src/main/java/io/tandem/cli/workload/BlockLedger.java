package io.tandem.cli.workload;

/**
 * The record of what the workload wrote, per block: the last version acknowledged, the highest version issued,
 * and whether a write to it is in flight; plus the list of blocks with an acknowledged version, which reads pick
 * from.
 * <p>
 * What a read of a block may return follows from it: a version no older than the one acknowledged when the read
 * was issued, and no newer than the highest issued when it completed (a write in flight may land before the read
 * or not). The workload keeps at most one write per block in flight, so acknowledgements of a block come in
 * version order and "last acknowledged" is exact. A write that was lost (the connection broke) or failed leaves
 * its version issued and unacknowledged: the block may hold it or the one before, and both are accepted.
 * <p>
 * Memory: 9 bytes per block plus 4 per written block. Not thread-safe: the workload's one thread owns it.
 */
public final class BlockLedger
{
    /** Blocks at most: 512 Mi blocks would need about 6.5 GiB of ledger. */
    public static final long MAX_BLOCKS = 1L << 28;

    private final int blockCount;
    private final int[] acked;
    private final int[] issued;
    private final boolean[] writing;
    private final int[] ackedBlocks;
    private int ackedBlockCount;

    public BlockLedger(final long blockCount)
    {
        if (blockCount < 1 || blockCount > MAX_BLOCKS)
        {
            throw new IllegalArgumentException("block count must be 1 to " + MAX_BLOCKS + ": " + blockCount);
        }
        this.blockCount = (int)blockCount;
        acked = new int[this.blockCount];
        issued = new int[this.blockCount];
        writing = new boolean[this.blockCount];
        ackedBlocks = new int[this.blockCount];
    }

    public int blockCount()
    {
        return blockCount;
    }

    /**
     * @return the last version of {@code block} acknowledged, 0 if none.
     */
    public int acked(final int block)
    {
        return acked[block];
    }

    /**
     * @return the highest version of {@code block} issued, 0 if none.
     */
    public int issued(final int block)
    {
        return issued[block];
    }

    public boolean writing(final int block)
    {
        return writing[block];
    }

    /**
     * @return how many blocks have an acknowledged version.
     */
    public int ackedBlockCount()
    {
        return ackedBlockCount;
    }

    /**
     * @return the {@code index}-th block with an acknowledged version, {@code index} below
     * {@link #ackedBlockCount()}.
     */
    public int ackedBlock(final int index)
    {
        return ackedBlocks[index];
    }

    /**
     * @return the version to write, now in flight; the block must not be {@link #writing(int)}.
     */
    public int beginWrite(final int block)
    {
        if (writing[block])
        {
            throw new IllegalStateException("block " + block + " already has a write in flight");
        }
        writing[block] = true;
        return ++issued[block];
    }

    /**
     * The server acknowledged {@code version} of {@code block}.
     */
    public void acknowledge(final int block, final int version)
    {
        writing[block] = false;
        if (version > acked[block])
        {
            if (0 == acked[block])
            {
                ackedBlocks[ackedBlockCount++] = block;
            }
            acked[block] = version;
        }
    }

    /**
     * The write in flight to {@code block} failed or was lost: its version stays issued, never acknowledged.
     */
    public void abandon(final int block)
    {
        writing[block] = false;
    }

    /**
     * Sets a block's record, when loading a saved ledger; no write may be in flight.
     */
    void restore(final int block, final int ackedVersion, final int issuedVersion)
    {
        if (ackedVersion < 0 || issuedVersion < ackedVersion)
        {
            throw new IllegalArgumentException(
                "block " + block + ": acked " + ackedVersion + " issued " + issuedVersion);
        }
        if (0 == acked[block] && ackedVersion > 0)
        {
            ackedBlocks[ackedBlockCount++] = block;
        }
        acked[block] = ackedVersion;
        issued[block] = issuedVersion;
        writing[block] = false;
    }
}
