package io.tandem.raid;

import java.util.Locale;

/**
 * An array's health, worst last: the pool's state is the worst of its arrays'.
 */
public enum ArrayState
{
    /** Every member holds every stripe. */
    HEALTHY,
    /** A member is lost; redundancy is left, or none was. */
    DEGRADED,
    /** A member is being rebuilt. */
    REBUILDING,
    /** More members lost than the level allows: some stripes cannot be read. */
    FAILED;

    /**
     * @return the state as status shows it: {@code healthy}, {@code degraded}, {@code rebuilding}, {@code failed}.
     */
    public String toString()
    {
        return name().toLowerCase(Locale.ROOT);
    }
}
