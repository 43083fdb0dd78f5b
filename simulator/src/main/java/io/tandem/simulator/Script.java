package io.tandem.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A fault schedule written by hand instead of drawn from the seed: the schedule a regression test replays. Its
 * steps run at their simulated times; a controller it kills stays dead until a step starts it again. The seed
 * still draws everything else (latencies, the clients' requests).
 */
public final class Script
{
    private final List<Step> steps = new ArrayList<>();
    private long endMs;

    /**
     * One step: what it does, at what simulated time after the pair started.
     */
    record Step(long atMs, String what, Consumer<Simulation> action)
    {
    }

    /**
     * Adds a step at {@code atMs}; the faults end at the last step, or at {@link #endAt(long)}.
     */
    public Script at(final long atMs, final String what, final Consumer<Simulation> action)
    {
        steps.add(new Step(atMs, what, action));
        endMs = Math.max(endMs, atMs);
        return this;
    }

    /**
     * Faults end (and the pair must recover) at {@code endMs}.
     */
    public Script endAt(final long endMs)
    {
        this.endMs = Math.max(this.endMs, endMs);
        return this;
    }

    List<Step> steps()
    {
        return steps;
    }

    long endMs()
    {
        return endMs;
    }
}
