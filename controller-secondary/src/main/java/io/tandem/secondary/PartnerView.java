package io.tandem.secondary;

import io.tandem.controller.pool.MirrorState;

/**
 * What the secondary last read of the pool and of its partner's mailbox, on its housekeeping thread; the agent
 * reads it whole.
 *
 * @param poolEpoch        the superblock's epoch.
 * @param poolOwner        the superblock's owner.
 * @param mirrorState      what the superblock vouches for.
 * @param mirrorGeneration the generation it vouches for in {@link MirrorState#IN_SYNC}.
 * @param cpLsn            every write up to it is in the pool.
 * @param heartbeatAgeMs   age of the partner's mailbox heartbeat, -1 if it has none.
 * @param partnerRole      the role the partner's mailbox shows.
 * @param partnerPid       the process id the partner's mailbox shows, -1 if none.
 * @param partnerExited    the host reported that the run the partner's mailbox shows exited, before the
 *                         superblock above was read.
 */
record PartnerView(
    long poolEpoch,
    int poolOwner,
    MirrorState mirrorState,
    long mirrorGeneration,
    long cpLsn,
    long heartbeatAgeMs,
    int partnerRole,
    long partnerPid,
    boolean partnerExited)
{
    static final PartnerView NONE = new PartnerView(0, -1, MirrorState.STALE, 0, 0, -1, 0, -1, false);
}
