package io.tandem.raid;

/**
 * What an array may do with one of its members.
 */
public enum MemberState
{
    /** Holds its share of every stripe; read and written. */
    ACTIVE(0),
    /** Being rebuilt: stripes below its rebuild position are current and written; the rest are rebuilt later. */
    REBUILDING(1),
    /** Failed (an I/O error, or failed by command) or pulled: neither read nor written. */
    FAILED(2),
    /** A hot spare: holds nothing yet, takes the slot of the first member to fail. */
    SPARE(3),
    /** No member in this slot (the slot's member is missing: pulled, or never found at assembly). */
    MISSING(4);

    private final int code;

    MemberState(final int code)
    {
        this.code = code;
    }

    public int code()
    {
        return code;
    }

    public static MemberState of(final int code)
    {
        for (final MemberState state : values())
        {
            if (state.code == code)
            {
                return state;
            }
        }
        throw new IllegalArgumentException("no member state " + code);
    }

    /**
     * @return true if the member counts towards the array's redundancy for a stripe below {@code position}.
     */
    public boolean holds(final long stripe, final long rebuildPosition)
    {
        return this == ACTIVE || (this == REBUILDING && stripe < rebuildPosition);
    }
}
