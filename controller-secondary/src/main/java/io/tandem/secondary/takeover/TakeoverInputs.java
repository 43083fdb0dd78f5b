package io.tandem.secondary.takeover;

import io.tandem.controller.pool.MirrorState;

/**
 * Everything the takeover decision looks at, as typed values read once: the pool's superblock, the partner's
 * mailbox, the interconnect, this controller's own mirror, and what the operator asked for.
 *
 * @param controllerId           this controller.
 * @param partnerId              the partner.
 * @param poolOwner              the superblock's owner.
 * @param mirrorState            the superblock's mirror state.
 * @param mirrorGeneration       the generation the superblock vouches for in {@link MirrorState#IN_SYNC}.
 * @param hasMirror              this controller holds an open mirror log.
 * @param heldGeneration         the generation that log holds complete, 0 for none.
 * @param resumable              this controller owns the pool but never mirrored in this life: it crashed part-way
 *                               through a takeover and may finish it from its own log.
 * @param livePaths              interconnect paths on which the partner is heard now.
 * @param partnerHeartbeatAgeMs  age of the partner's mailbox heartbeat, -1 if it has none.
 * @param partnerStaleMs         a heartbeat older than this is stale.
 * @param partnerExited          the host reports that the partner's run (the one its mailbox names) exited.
 * @param request                what the operator asked for.
 */
public record TakeoverInputs(
    int controllerId,
    int partnerId,
    int poolOwner,
    MirrorState mirrorState,
    long mirrorGeneration,
    boolean hasMirror,
    long heldGeneration,
    boolean resumable,
    int livePaths,
    long partnerHeartbeatAgeMs,
    long partnerStaleMs,
    boolean partnerExited,
    TakeoverRequest request)
{
}
