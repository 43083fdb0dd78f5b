package io.tandem.primary;

/**
 * How the primary stands with its mirror.
 * <pre>
 *  MIRRORED --no path, policy continue, grace over--> DEGRADED (mirror recorded stale first)
 *  MIRRORED --no path, policy suspend--> writes wait in MIRRORED until a path returns
 *  DEGRADED --a path is up (the partner is back as secondary)--> RESYNC --CP, new epoch, new session--> MIRRORED
 *  MIRRORED / DEGRADED --tandem ctl giveback--> GIVEBACK --quiet, CP, pool handed over--> GIVEN_BACK
 * </pre>
 */
public enum MirrorMode
{
    /** Every write is acknowledged only once the partner holds it too. */
    MIRRORED,
    /** The partner is gone: writes are acknowledged from the local NVLog alone, and the mirror is stale. */
    DEGRADED,
    /** The partner is back: writes are held while a consistency point and a new mirror session start. */
    RESYNC,
    /** Handing the volume back: no new I/O, writes in flight finish, a consistency point, then hand over. */
    GIVEBACK,
    /** The pool belongs to the partner now: this controller serves no more. */
    GIVEN_BACK
}
