package io.tandem.primary;

import static io.tandem.primary.PrimaryMode.DEGRADED;
import static io.tandem.primary.PrimaryMode.FENCED;
import static io.tandem.primary.PrimaryMode.GIVEBACK;
import static io.tandem.primary.PrimaryMode.GIVEN_BACK;
import static io.tandem.primary.PrimaryMode.MIRRORED;
import static io.tandem.primary.PrimaryMode.RECORDING_STALE;
import static io.tandem.primary.PrimaryMode.RESYNC;
import static io.tandem.primary.PrimaryMode.SYNCING;

/**
 * Every change of {@link PrimaryMode} the primary makes, with the mode it leaves, the mode it enters and why:
 * what the journal records. A transition from a mode it does not name is a programming error.
 */
public enum PrimaryTransition
{
    GENERATION_HELD(MIRRORED, "the partner holds the new mirror generation complete: recorded in sync, writes go on",
        SYNCING),
    MIRROR_LOST(RECORDING_STALE, "no interconnect path for the grace time, policy continue: recording the mirror " +
        "stale before acknowledging any write alone", SYNCING, MIRRORED),
    STALE_RECORDED(DEGRADED, "the pool records the mirror stale: acknowledging writes from this NVLog alone",
        RECORDING_STALE),
    STALE_RECORD_FAILED(MIRRORED, "the pool could not record the mirror stale: writes keep waiting, no write is " +
        "acknowledged alone", RECORDING_STALE),
    STALE_RECORD_FAILED_SYNCING(RESYNC, "the pool could not record the mirror stale: writes keep waiting, " +
        "starting the generation again", RECORDING_STALE),
    PARTNER_BACK(RESYNC, "a path is up: the partner is back, resyncing it", DEGRADED),
    PARTNER_RESTARTED(RESYNC, "the partner runs a new process: its mirror lacks what was mirrored before, " +
        "resyncing it", MIRRORED, SYNCING),
    GENERATION_STARTED(SYNCING, "consistency point taken and a new epoch recorded SYNCING: opening the new " +
        "mirror generation", RESYNC),
    GIVEBACK_REQUESTED(GIVEBACK, "giveback requested: a CP while clients write, then no new I/O, writes in " +
        "flight finish", MIRRORED),
    GIVEBACK_ABORTED(MIRRORED, "the giveback could not quiesce before its deadline: serving again", GIVEBACK),
    GIVEBACK_PATHS_LOST(MIRRORED, "every interconnect path went down: writes in flight cannot finish, the " +
        "giveback cannot quiesce; serving again", GIVEBACK),
    GAVE_BACK(GIVEN_BACK, "the pool is handed to the partner", GIVEBACK),
    FENCED_BY_PARTNER(FENCED, "the pool's epoch is newer than this controller's: it was fenced, serving and " +
        "writing nothing more", SYNCING, MIRRORED, RECORDING_STALE, DEGRADED, RESYNC, GIVEBACK);

    private final PrimaryMode to;
    private final String why;
    private final PrimaryMode[] from;

    PrimaryTransition(final PrimaryMode to, final String why, final PrimaryMode... from)
    {
        this.to = to;
        this.why = why;
        this.from = from;
    }

    public PrimaryMode to()
    {
        return to;
    }

    /**
     * @return why the primary makes this change, for the journal and people.
     */
    public String why()
    {
        return why;
    }

    /**
     * @return true if this transition may leave {@code mode}.
     */
    public boolean leaves(final PrimaryMode mode)
    {
        for (final PrimaryMode candidate : from)
        {
            if (candidate == mode)
            {
                return true;
            }
        }
        return false;
    }
}
