package io.tandem.controller.pool;

/**
 * The settings both controllers of a pair must agree on, recorded in the pool's superblock when the pool is
 * created and checked by every controller that opens it: a mismatch found at start is a clear error, where one
 * found at takeover would be a lost volume (streams cut differently, a log that does not fit, a partner declared
 * dead by one clock and alive by the other).
 *
 * @param stripeSize          bytes of the volume per stream stripe.
 * @param streamCount         streams the log is split into.
 * @param nvramCapacity       bytes of each controller's NVRAM device.
 * @param heartbeatIntervalMs how often each controller beats in its mailbox.
 * @param partnerStaleMs      a mailbox heartbeat older than this counts as stale.
 */
public record PairSettings(
    int stripeSize, int streamCount, long nvramCapacity, int heartbeatIntervalMs, int partnerStaleMs)
{
    /**
     * @return what differs between these settings (the pool's) and {@code configured}, or null if nothing does.
     */
    public String mismatch(final PairSettings configured)
    {
        final StringBuilder out = new StringBuilder();
        differs(out, "stripe size", stripeSize, configured.stripeSize);
        differs(out, "stream count", streamCount, configured.streamCount);
        differs(out, "NVRAM capacity", nvramCapacity, configured.nvramCapacity);
        differs(out, "heartbeat interval ms", heartbeatIntervalMs, configured.heartbeatIntervalMs);
        differs(out, "partner stale ms", partnerStaleMs, configured.partnerStaleMs);
        return 0 == out.length() ? null : out.toString();
    }

    private static void differs(final StringBuilder out, final String name, final long pool, final long configured)
    {
        if (pool != configured)
        {
            out.append(0 == out.length() ? "" : ", ").append(name).append(" is ").append(pool)
                .append(" in the pool but configured ").append(configured);
        }
    }
}
