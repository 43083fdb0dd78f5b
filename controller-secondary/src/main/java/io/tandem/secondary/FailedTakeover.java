package io.tandem.secondary;

/**
 * When a takeover that failed no longer matters, and the secondary drops its failed mirror and mirrors again: the
 * partner owns the pool and heartbeats, and either it took the pool again since (a newer epoch: it replayed what
 * it acknowledged), or the takeover never took the pool at all (the same epoch: it failed before or at its fence,
 * refused over a mirror that turned stale meanwhile, say) and the partner it meant to replace serves on. Either
 * way the partner's own log and the pool hold what it acknowledged; the failed mirror is not needed.
 * <p>
 * Stateless; thread-safe.
 */
final class FailedTakeover
{
    private FailedTakeover()
    {
    }

    /**
     * @param failedEpoch the epoch of the mirror session the failed takeover worked from.
     * @param view        what the secondary read last of the pool and the partner's mailbox.
     */
    static boolean isMoot(final long failedEpoch, final PartnerView view, final int partnerId, final long staleMs)
    {
        return view.poolOwner() == partnerId && view.poolEpoch() >= failedEpoch &&
            view.heartbeatAgeMs() >= 0 && view.heartbeatAgeMs() <= staleMs && !view.partnerExited();
    }
}
