package io.tandem.secondary;

/**
 * The secondary's state machine: each duty cycle the agent tells it what holds now (a session is open, its
 * NVLog holds the pool's generation, a takeover runs or failed, the volume is this controller's to serve), and
 * it makes the one {@link SecondaryTransition} that follows, if any. One transition per step, so every step of
 * a change is journalled in order.
 * <p>
 * Not thread-safe: the agent steps it; {@link #mode()} may be read from any thread.
 */
final class SecondaryModes
{
    private volatile SecondaryMode mode = SecondaryMode.WAITING;
    private volatile SecondaryTransition last;

    /**
     * @param hasSession     a mirror session is open.
     * @param holdsVouched   this NVLog holds the generation the pool vouches for.
     * @param takingOver     the takeover graph runs.
     * @param takeoverFailed the last takeover failed and none runs.
     * @param serving        the volume is this controller's to serve (took over or given back).
     * @param tookOver       with {@code serving}: it took over rather than being given the volume back.
     * @return the transition made, or null if the mode stays.
     */
    SecondaryTransition step(
        final boolean hasSession,
        final boolean holdsVouched,
        final boolean takingOver,
        final boolean takeoverFailed,
        final boolean serving,
        final boolean tookOver)
    {
        final SecondaryMode current = mode;
        final SecondaryTransition next;
        if (SecondaryMode.SERVING == current)
        {
            next = null;
        }
        else if (serving)
        {
            next = SecondaryMode.TAKING_OVER == current ? SecondaryTransition.TOOK_OVER :
                tookOver ? SecondaryTransition.TAKEOVER_STARTED : SecondaryTransition.GIVEN_BACK;
        }
        else if (takingOver)
        {
            next = SecondaryMode.TAKING_OVER == current ? null : SecondaryTransition.TAKEOVER_STARTED;
        }
        else if (SecondaryMode.TAKING_OVER == current)
        {
            next = takeoverFailed ? SecondaryTransition.TAKEOVER_FAILED : null;
        }
        else if (SecondaryMode.TAKEOVER_FAILED == current)
        {
            next = takeoverFailed ? null : SecondaryTransition.FAILED_TAKEOVER_MOOT;
        }
        else if (!hasSession)
        {
            next = SecondaryMode.WAITING == current ? null : SecondaryTransition.SESSION_ENDED;
        }
        else if (SecondaryMode.WAITING == current)
        {
            next = SecondaryTransition.SESSION_STARTED;
        }
        else if (holdsVouched)
        {
            next = SecondaryMode.CATCHING_UP == current ? SecondaryTransition.GENERATION_HELD : null;
        }
        else
        {
            next = SecondaryMode.IN_SYNC == current ? SecondaryTransition.GENERATION_LEFT : null;
        }
        if (null != next)
        {
            if (!next.leaves(current))
            {
                throw new IllegalStateException(next + " cannot leave " + current);
            }
            mode = next.to();
            last = next;
        }
        return next;
    }

    SecondaryMode mode()
    {
        return mode;
    }

    /**
     * @return the last transition, or null before the first.
     */
    SecondaryTransition last()
    {
        return last;
    }
}
