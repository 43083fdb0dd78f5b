package io.tandem.secondary;

import static io.tandem.secondary.SecondaryMode.CATCHING_UP;
import static io.tandem.secondary.SecondaryMode.IN_SYNC;
import static io.tandem.secondary.SecondaryMode.SERVING;
import static io.tandem.secondary.SecondaryMode.TAKING_OVER;
import static io.tandem.secondary.SecondaryMode.WAITING;

/**
 * Every change of {@link SecondaryMode}, with the modes it may leave, the mode it enters and why: what the
 * journal records.
 */
public enum SecondaryTransition
{
    SESSION_STARTED(CATCHING_UP, "a mirror session of the primary's epoch started", WAITING),
    GENERATION_HELD(IN_SYNC, "this NVLog holds the mirror generation the pool vouches for", CATCHING_UP),
    GENERATION_LEFT(CATCHING_UP, "the pool no longer vouches for the generation this NVLog holds", IN_SYNC),
    SESSION_ENDED(WAITING, "the mirror session ended: the primary took a new epoch, or left", CATCHING_UP, IN_SYNC),
    TAKEOVER_STARTED(TAKING_OVER, "taking the volume over", WAITING, CATCHING_UP, IN_SYNC,
        SecondaryMode.TAKEOVER_FAILED),
    TAKEOVER_FAILED(SecondaryMode.TAKEOVER_FAILED, "the takeover failed: the volume is not served, the mirror is " +
        "kept", TAKING_OVER),
    FAILED_TAKEOVER_MOOT(WAITING, "the partner serves the pool again at a newer epoch: the failed takeover is " +
        "moot, and this controller mirrors it again", SecondaryMode.TAKEOVER_FAILED),
    TOOK_OVER(SERVING, "the takeover is done: serving the volume", TAKING_OVER),
    GIVEN_BACK(SERVING, "the partner gave the volume back", WAITING, CATCHING_UP, IN_SYNC);

    private final SecondaryMode to;
    private final String why;
    private final SecondaryMode[] from;

    SecondaryTransition(final SecondaryMode to, final String why, final SecondaryMode... from)
    {
        this.to = to;
        this.why = why;
        this.from = from;
    }

    public SecondaryMode to()
    {
        return to;
    }

    public String why()
    {
        return why;
    }

    /**
     * @return true if this transition may leave {@code mode}.
     */
    public boolean leaves(final SecondaryMode mode)
    {
        for (final SecondaryMode candidate : from)
        {
            if (candidate == mode)
            {
                return true;
            }
        }
        return false;
    }
}
