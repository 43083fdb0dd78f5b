package io.tandem.secondary;

/**
 * How the secondary stands with the primary's mirror: its state machine, changed only through a named
 * {@link SecondaryTransition} ({@link SecondaryModes}).
 * <pre>
 *  WAITING --a mirror session starts--> CATCHING_UP --every stream's generation start stored--> IN_SYNC
 *  CATCHING_UP / IN_SYNC --the session ends (the primary took a new epoch)--> WAITING
 *  WAITING / CATCHING_UP / IN_SYNC / TAKEOVER_FAILED --takeover started--> TAKING_OVER
 *  TAKING_OVER --failed--> TAKEOVER_FAILED;  TAKING_OVER --done--> SERVING
 *  TAKEOVER_FAILED --the partner serves again at a newer epoch--> WAITING
 *  WAITING / CATCHING_UP / IN_SYNC --the partner gave the volume back--> SERVING
 * </pre>
 */
public enum SecondaryMode
{
    /** No mirror session: the pool has no primary yet, or the session of the last epoch ended. */
    WAITING,
    /** Mirroring, but not holding the generation the pool vouches for: no automatic takeover from here. */
    CATCHING_UP,
    /** Mirroring, and this NVLog holds the pool's mirror generation complete. */
    IN_SYNC,
    /** The takeover graph runs. */
    TAKING_OVER,
    /**
     * The takeover failed: the mirror is kept, the volume is not served; a forced takeover retries, until the
     * partner serves the pool again at a newer epoch.
     */
    TAKEOVER_FAILED,
    /** This controller is to serve the volume: it took over or was given it back. */
    SERVING
}
