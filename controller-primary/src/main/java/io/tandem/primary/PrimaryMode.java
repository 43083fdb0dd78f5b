package io.tandem.primary;

/**
 * How the primary stands with its mirror: the primary's state machine, changed only through a named
 * {@link PrimaryTransition}.
 * <pre>
 *  SYNCING --the partner holds the new generation, recorded IN_SYNC--> MIRRORED
 *  SYNCING / MIRRORED --no path for the grace time, policy continue--> RECORDING_STALE
 *  RECORDING_STALE --STALE durable in the pool--> DEGRADED
 *  RECORDING_STALE --the record failed--> MIRRORED or RESYNC (writes keep waiting; retried)
 *  DEGRADED --a path is up--> RESYNC
 *  MIRRORED --the partner restarted--> RESYNC
 *  RESYNC --CP, new epoch recorded SYNCING--> SYNCING
 *  MIRRORED --ctl giveback--> GIVEBACK --CP, I/O refused, quiet, CP, pool handed over--> GIVEN_BACK
 *  GIVEBACK --deadline passed, or no path up--> MIRRORED
 *  any --a newer epoch in the pool--> FENCED
 * </pre>
 * With no path and policy {@code suspend} the primary stays in MIRRORED (or SYNCING) and writes wait.
 */
public enum PrimaryMode
{
    /**
     * A new mirror generation is being established (at start and after a resync): writes are held until the
     * partner has stored the generation's start on every stream and the pool records the generation in sync.
     */
    SYNCING,
    /** Every write is acknowledged only once the partner holds it too. */
    MIRRORED,
    /** No path, policy continue: writes wait while the pool records the mirror stale. */
    RECORDING_STALE,
    /** The pool records the mirror stale: writes are acknowledged from the local NVLog alone. */
    DEGRADED,
    /** The partner is back or restarted: writes are held for a consistency point and a new generation. */
    RESYNC,
    /** Handing the volume back: no new I/O, writes in flight finish, a consistency point, then hand over. */
    GIVEBACK,
    /** The pool belongs to the partner now: this controller serves no more. */
    GIVEN_BACK,
    /** The pool's epoch is newer than this controller's: it serves and writes nothing more. */
    FENCED;

    /**
     * @return true if this mode serves no more, whatever happens.
     */
    public boolean isFinal()
    {
        return GIVEN_BACK == this || FENCED == this;
    }
}
