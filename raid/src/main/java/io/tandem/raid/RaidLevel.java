package io.tandem.raid;

/**
 * How an array spreads blocks over its members, and how many members it may lose.
 */
public enum RaidLevel
{
    /** Striped, no redundancy: a lost member loses the array. */
    RAID0(0, 2),
    /** Every member holds every block (n-way mirror): all but one may be lost. */
    RAID1(0, 2),
    /** Striped with one rotating parity chunk per stripe (md's left-symmetric layout): one member may be lost. */
    RAID5(1, 3),
    /** Striped with two rotating syndromes per stripe, P (XOR) and Q (Reed-Solomon over GF(2^8)): two may be lost. */
    RAID6(2, 4);

    private final int parityMembers;
    private final int minWidth;

    RaidLevel(final int parityMembers, final int minWidth)
    {
        this.parityMembers = parityMembers;
        this.minWidth = minWidth;
    }

    /**
     * @return parity chunks per stripe (0 for RAID-0 and RAID-1).
     */
    public int parityMembers()
    {
        return parityMembers;
    }

    public int minWidth()
    {
        return minWidth;
    }

    /**
     * @return how many of {@code width} members may be lost with every block still readable.
     */
    public int redundancy(final int width)
    {
        return this == RAID1 ? width - 1 : parityMembers;
    }

    /**
     * @return members of {@code width} that hold distinct data in a stripe.
     */
    public int dataMembers(final int width)
    {
        return this == RAID1 ? 1 : width - parityMembers;
    }

    public boolean striped()
    {
        return this != RAID1;
    }
}
