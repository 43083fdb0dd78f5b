package io.tandem.controller.pool;

/**
 * How long this controller may go on writing the pool, or acknowledging writes without its mirror, on the
 * strength of the last time it found its epoch current in the superblock. The housekeeping thread renews it
 * after each check; the agent asks {@link #holds(long)} before each pool write batch and before each
 * acknowledgement without the mirror, and waits while it does not hold.
 * <p>
 * The lease is no longer than the time after which the partner counts this controller's mailbox heartbeat as
 * stale. A check is timed from before the superblock is read, and the heartbeat is written after it, so by the
 * time a partner may take over automatically the lease has run out: a paused or slow owner cannot write the
 * pool or acknowledge alone in a later epoch than its own. (A forced takeover stops the old owner's process.)
 * <p>
 * Thread-safe: one thread renews, any thread asks.
 */
public final class EpochLease
{
    private static final long NEVER = Long.MIN_VALUE;

    private final long leaseNs;
    private volatile long checkedNs = NEVER;

    /**
     * @param leaseNs how long a check holds.
     */
    public EpochLease(final long leaseNs)
    {
        this.leaseNs = leaseNs;
    }

    /**
     * The epoch was found current by a read that started at {@code checkStartNs}.
     */
    public void renew(final long checkStartNs)
    {
        checkedNs = checkStartNs;
    }

    /**
     * @return true if the last check is recent enough at {@code nowNs}.
     */
    public boolean holds(final long nowNs)
    {
        final long checked = checkedNs;
        return NEVER != checked && nowNs - checked <= leaseNs;
    }

    /**
     * @return when the last check started, or {@link Long#MIN_VALUE} if there was none.
     */
    public long checkedNs()
    {
        return checkedNs;
    }
}
