package io.tandem.raid;

/**
 * Where each block of an array lies. Each member starts with {@link #reservedBlocks()} blocks of its own (its
 * {@link MemberHeader}); its data area follows, cut into chunks of {@link #chunkBlocks()} blocks. Stripe {@code s}
 * is chunk {@code s} of every member. In RAID-5 the parity chunk rotates as md's left-symmetric layout places it:
 * on member {@code width - 1 - s % width}, the data chunks following it round the members; in RAID-6 Q follows P
 * and the data follows Q. RAID-0 puts data chunk {@code i} on member {@code i}; RAID-1 puts every block on every
 * member.
 * <p>
 * Immutable; thread-safe.
 */
public final class ArrayGeometry
{
    /**
     * Bytes at the start of every member kept for the array: the member's header in block 0, then the slots of the
     * lost-chunk journal ({@link StripeJournal}), then room for a write-intent bitmap.
     */
    public static final int RESERVED_BYTES = 4 * 1024 * 1024;
    /** Slots of the lost-chunk journal: one per stripe lock, so a stripe always uses the same one. */
    public static final int JOURNAL_SLOTS = 8;
    /** Most members an array may have (the header keeps a state per slot). */
    public static final int MAX_WIDTH = 32;

    private final RaidLevel level;
    private final int width;
    private final int blockSize;
    private final int chunkBlocks;
    private final long memberDataBlocks;
    private final int dataMembers;

    /**
     * @param memberDataBlocks blocks of each member's data area, a multiple of {@code chunkBlocks}.
     */
    public ArrayGeometry(
        final RaidLevel level, final int width, final int blockSize, final int chunkBlocks, final long memberDataBlocks)
    {
        if (width < level.minWidth() || width > MAX_WIDTH)
        {
            throw new IllegalArgumentException(level + " needs " + level.minWidth() + " to " + MAX_WIDTH +
                " members, not " + width);
        }
        if (blockSize < 512 || Integer.bitCount(blockSize) != 1 || RESERVED_BYTES % blockSize != 0)
        {
            throw new IllegalArgumentException("block size must be a power of two from 512 to 1 MiB: " + blockSize);
        }
        if (chunkBlocks < 1 || Integer.bitCount(chunkBlocks) != 1)
        {
            throw new IllegalArgumentException("chunk must be a power of two number of blocks: " + chunkBlocks);
        }
        if (1 + JOURNAL_SLOTS * (1 + 2L * chunkBlocks) > RESERVED_BYTES / blockSize)
        {
            throw new IllegalArgumentException("a chunk of " + chunkBlocks + " blocks of " + blockSize +
                " bytes is too large for the lost-chunk journal in a member's reserved " + RESERVED_BYTES + " bytes");
        }
        if (memberDataBlocks < chunkBlocks || memberDataBlocks % chunkBlocks != 0)
        {
            throw new IllegalArgumentException("a member's data area must be whole chunks of " + chunkBlocks +
                " blocks: " + memberDataBlocks);
        }
        this.level = level;
        this.width = width;
        this.blockSize = blockSize;
        this.chunkBlocks = chunkBlocks;
        this.memberDataBlocks = memberDataBlocks;
        this.dataMembers = level.dataMembers(width);
    }

    /**
     * @return the geometry whose array holds at least {@code arrayBlocks} blocks.
     */
    public static ArrayGeometry forCapacity(
        final RaidLevel level, final int width, final int blockSize, final int chunkBlocks, final long arrayBlocks)
    {
        final long perMember = (arrayBlocks + level.dataMembers(width) - 1) / level.dataMembers(width);
        final long chunks = (perMember + chunkBlocks - 1) / chunkBlocks;
        return new ArrayGeometry(level, width, blockSize, chunkBlocks, Math.max(1, chunks) * chunkBlocks);
    }

    public RaidLevel level()
    {
        return level;
    }

    public int width()
    {
        return width;
    }

    public int blockSize()
    {
        return blockSize;
    }

    public int chunkBlocks()
    {
        return chunkBlocks;
    }

    public int chunkBytes()
    {
        return chunkBlocks * blockSize;
    }

    public long memberDataBlocks()
    {
        return memberDataBlocks;
    }

    public int reservedBlocks()
    {
        return RESERVED_BYTES / blockSize;
    }

    /**
     * @return the first block of journal slot {@code slot} on a member: a header block, then up to two chunks.
     */
    public long journalBlock(final int slot)
    {
        return 1 + (long)slot * (1 + 2L * chunkBlocks);
    }

    /**
     * @return the first block of the write-intent bitmap on a member, after the journal's slots.
     */
    public long bitmapBlock()
    {
        return journalBlock(JOURNAL_SLOTS);
    }

    /**
     * @return stripes per bit of the write-intent bitmap: at least 16, and enough that the bits fit in the
     *         reserved area after the journal.
     */
    public long regionStripes()
    {
        final long bits = (reservedBlocks() - bitmapBlock()) * blockSize * 8L;
        long region = 16;
        while ((stripeCount() + region - 1) / region > bits)
        {
            region <<= 1;
        }
        return region;
    }

    public int regionCount()
    {
        return (int)((stripeCount() + regionStripes() - 1) / regionStripes());
    }

    /**
     * @return blocks of a whole member device: its reserved area and its data area.
     */
    public long memberBlocks()
    {
        return reservedBlocks() + memberDataBlocks;
    }

    public int dataMembers()
    {
        return dataMembers;
    }

    public long stripeCount()
    {
        return memberDataBlocks / chunkBlocks;
    }

    /**
     * @return data blocks in one stripe.
     */
    public long stripeDataBlocks()
    {
        return level.striped() ? (long)dataMembers * chunkBlocks : chunkBlocks;
    }

    /**
     * @return blocks the array holds.
     */
    public long capacityBlocks()
    {
        return stripeCount() * stripeDataBlocks();
    }

    /**
     * @return the member that holds data chunk {@code dataIndex} of {@code stripe} (RAID-1: every member does;
     *         this gives the first).
     */
    public int dataMember(final long stripe, final int dataIndex)
    {
        switch (level)
        {
            case RAID0:
                return dataIndex;
            case RAID1:
                return 0;
            default:
                return (int)((parityMember(stripe) + level.parityMembers() + dataIndex) % width);
        }
    }

    /**
     * @return the member that holds P of {@code stripe}, or -1 for a level without parity.
     */
    public int parityMember(final long stripe)
    {
        return level.parityMembers() == 0 ? -1 : (int)(width - 1 - stripe % width);
    }

    /**
     * @return the member that holds Q of {@code stripe} (RAID-6 only), or -1.
     */
    public int qMember(final long stripe)
    {
        return level == RaidLevel.RAID6 ? (parityMember(stripe) + 1) % width : -1;
    }

    /**
     * @return which data chunk of its stripe member {@code member} holds, -1 for P, -2 for Q.
     */
    public int dataIndexOfMember(final long stripe, final int member)
    {
        if (!level.striped())
        {
            return 0;
        }
        if (member == parityMember(stripe))
        {
            return -1;
        }
        if (member == qMember(stripe))
        {
            return -2;
        }
        return level == RaidLevel.RAID0 ? member :
            (int)((member - parityMember(stripe) - level.parityMembers() + 2L * width) % width);
    }

    /**
     * @return the member block that holds row {@code row} of stripe {@code stripe}'s chunk.
     */
    public long memberBlock(final long stripe, final int row)
    {
        return reservedBlocks() + stripe * chunkBlocks + row;
    }

    public String toString()
    {
        return level.name().toLowerCase() + " of " + width + " members, chunks of " + chunkBlocks + " x " +
            blockSize + " bytes, " + memberDataBlocks + " data blocks per member";
    }
}
