package io.tandem.secondary;

/**
 * What the secondary last saw of the pool and its partner, read on the housekeeping thread and published whole.
 * Immutable.
 *
 * @param poolEpoch         the superblock's epoch.
 * @param poolOwner         the superblock's owner, -1 for nobody.
 * @param mirrorStale       the owner acknowledged writes the mirror lacks.
 * @param cpLsn             the superblock's CP LSN.
 * @param heartbeatAgeMs    age of the partner's mailbox heartbeat, -1 if it has none.
 * @param partnerRole       the role the partner's mailbox reports.
 * @param partnerPid        the partner's process id from its mailbox, -1 if none.
 */
record PartnerView(
    long poolEpoch,
    int poolOwner,
    boolean mirrorStale,
    long cpLsn,
    long heartbeatAgeMs,
    int partnerRole,
    long partnerPid)
{
    static final PartnerView NONE = new PartnerView(0, -1, false, 0, -1, 0, -1);
}
