package io.tandem.secondary;

import io.tandem.controller.pool.MirrorState;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The simulator's seed 1315 (before the fix): a takeover decided on an IN_SYNC pool found it STALE at its fence
 * (the primary, alive, had recorded its mirror lost meanwhile) and was refused, without taking the pool. The
 * secondary kept its failed mirror until the partner served at a newer epoch, which never came: the primary
 * served on alone at the same epoch, and the pair never mirrored again.
 */
class FailedTakeoverTest
{
    private static final int PARTNER = 1;
    private static final long STALE_MS = 400;

    private static PartnerView view(final long epoch, final int owner, final long heartbeatAgeMs, final boolean exited)
    {
        return new PartnerView(epoch, owner, MirrorState.STALE, 0, 0, heartbeatAgeMs, 0, 1234, exited);
    }

    @Test
    void mootWhenThePartnerServesTheSameEpochTheFailedTakeoverNeverTook()
    {
        assertTrue(FailedTakeover.isMoot(4, view(4, PARTNER, 50, false), PARTNER, STALE_MS));
    }

    @Test
    void mootWhenThePartnerTookThePoolAgainSince()
    {
        assertTrue(FailedTakeover.isMoot(4, view(6, PARTNER, 50, false), PARTNER, STALE_MS));
    }

    @Test
    void notMootWhileThePartnerIsGoneOrThePoolIsThisControllers()
    {
        assertFalse(FailedTakeover.isMoot(4, view(4, PARTNER, STALE_MS + 1, false), PARTNER, STALE_MS), "stale");
        assertFalse(FailedTakeover.isMoot(4, view(4, PARTNER, -1, false), PARTNER, STALE_MS), "no heartbeat");
        assertFalse(FailedTakeover.isMoot(4, view(4, PARTNER, 50, true), PARTNER, STALE_MS), "exited");
        assertFalse(FailedTakeover.isMoot(4, view(5, 0, 50, false), PARTNER, STALE_MS),
            "the takeover took the pool: it is retried, not dropped");
    }
}
