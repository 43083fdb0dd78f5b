package io.tandem.secondary.takeover;

import io.tandem.controller.pool.MirrorState;

import static io.tandem.secondary.takeover.TakeoverVerdict.Kind.REFUSE;
import static io.tandem.secondary.takeover.TakeoverVerdict.Kind.RESUME;
import static io.tandem.secondary.takeover.TakeoverVerdict.Kind.TAKE_OVER;

/**
 * Whether the secondary takes the volume over: a pure function of {@link TakeoverInputs}, the one place the
 * rule is written (DESIGN.md, "Takeover and giveback").
 * <ul>
 *   <li>A takeover needs a primary to take over from (the partner owns the pool) and a mirror to replay.</li>
 *   <li>Forced, that is enough: the operator accepts what it loses.</li>
 *   <li>Otherwise, asked or automatic alike, the partner must be gone: its process exited, as the host reports
 *   it at once ({@code PartnerExitWatch}), or silent on every path and with a stale mailbox heartbeat (silent
 *   paths with a fresh heartbeat are a failed interconnect, not a dead partner).</li>
 *   <li>And nothing acknowledged may be lost: the pool vouches for the generation this controller's log holds
 *   complete ({@link MirrorState#IN_SYNC}), or for itself ({@link MirrorState#SYNCING}); never over a
 *   {@link MirrorState#STALE} mirror.</li>
 * </ul>
 * Stateless; thread-safe.
 */
public final class TakeoverDecision
{
    private TakeoverDecision()
    {
    }

    public static TakeoverVerdict decide(final TakeoverInputs in)
    {
        if (in.poolOwner() == in.controllerId())
        {
            return in.resumable() ? verdict(RESUME, TakeoverVerdict.Reason.RESUMING, in) :
                verdict(REFUSE, TakeoverVerdict.Reason.OWNER_ALREADY, in);
        }
        if (in.poolOwner() != in.partnerId())
        {
            return verdict(REFUSE, TakeoverVerdict.Reason.NO_PRIMARY, in);
        }
        if (!in.hasMirror())
        {
            return verdict(REFUSE, TakeoverVerdict.Reason.NO_MIRROR, in);
        }
        if (TakeoverRequest.FORCED == in.request())
        {
            return verdict(TAKE_OVER, TakeoverVerdict.Reason.FORCED, in);
        }
        if (!in.partnerExited())
        {
            if (in.livePaths() > 0)
            {
                return verdict(REFUSE, TakeoverVerdict.Reason.PRIMARY_ALIVE, in);
            }
            if (in.partnerHeartbeatAgeMs() < 0)
            {
                return verdict(REFUSE, TakeoverVerdict.Reason.NO_HEARTBEAT, in);
            }
            if (in.partnerHeartbeatAgeMs() <= in.partnerStaleMs())
            {
                return verdict(REFUSE, TakeoverVerdict.Reason.INTERCONNECT_FAILED, in);
            }
        }
        switch (in.mirrorState())
        {
            case IN_SYNC:
                return in.heldGeneration() == in.mirrorGeneration() && 0 != in.heldGeneration() ||
                    RevertedFixes.MIRROR_GENERATIONS ?
                    verdict(TAKE_OVER, TakeoverVerdict.Reason.PARTNER_GONE_MIRROR_HELD, in) :
                    verdict(REFUSE, TakeoverVerdict.Reason.GENERATION_NOT_HELD, in);
            case SYNCING:
                return verdict(TAKE_OVER, TakeoverVerdict.Reason.PARTNER_GONE_POOL_HOLDS_ALL, in);
            default:
                return verdict(REFUSE, TakeoverVerdict.Reason.MIRROR_STALE, in);
        }
    }

    private static TakeoverVerdict verdict(
        final TakeoverVerdict.Kind kind, final TakeoverVerdict.Reason reason, final TakeoverInputs in)
    {
        return new TakeoverVerdict(kind, reason, in);
    }
}
