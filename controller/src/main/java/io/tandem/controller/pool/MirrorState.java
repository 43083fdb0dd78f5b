package io.tandem.controller.pool;

/**
 * What the pool's superblock vouches for about the partner's mirror: the one input of a takeover that says
 * whether the pool and a mirror together hold every acknowledged write.
 * <pre>
 *  SYNCING --the partner holds generation G complete--> IN_SYNC(G)
 *  IN_SYNC(G) / SYNCING --no path, policy continue: recorded before any write is acknowledged alone--> STALE
 *  any --the owner resyncs: consistency point, then a new epoch--> SYNCING
 * </pre>
 */
public enum MirrorState
{
    /**
     * Every acknowledged write is in the pool (up to the CP LSN) or in a mirror that holds the recorded
     * generation complete: a partner whose NVLog holds that generation may take over.
     */
    IN_SYNC(0),

    /**
     * The owner acknowledged writes that only its own NVLog holds: no mirror can be trusted, and a takeover
     * that goes ahead anyway (forced) loses them.
     */
    STALE(1),

    /**
     * A new mirror generation is being established and no write is acknowledged until it is: the pool alone
     * holds every acknowledged write, so a takeover needs no mirror.
     */
    SYNCING(2);

    private final int code;

    MirrorState(final int code)
    {
        this.code = code;
    }

    /**
     * @return the value stored in the superblock.
     */
    public int code()
    {
        return code;
    }

    /**
     * @return the state stored as {@code code}; an unknown one reads as {@link #STALE}, which trusts nothing.
     */
    public static MirrorState of(final int code)
    {
        switch (code)
        {
            case 0:
                return IN_SYNC;
            case 2:
                return SYNCING;
            default:
                return STALE;
        }
    }
}
