package io.tandem.simulator;

import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.NanoClock;

/**
 * The simulation's one clock: both controllers, their pool heartbeats and the clients read it, and only the
 * simulator moves it. Wall-clock time is a fixed base plus the simulated nanoseconds, so a run is the same every
 * time.
 * <p>
 * Not thread-safe: the simulation has one thread.
 */
final class SimClock implements NanoClock, EpochClock
{
    private static final long EPOCH_BASE_MS = 1_800_000_000_000L;

    private long nowNs = 1_000_000_000L;

    public long nanoTime()
    {
        return nowNs;
    }

    public long time()
    {
        return EPOCH_BASE_MS + nowNs / 1_000_000;
    }

    void advanceTo(final long timeNs)
    {
        if (timeNs > nowNs)
        {
            nowNs = timeNs;
        }
    }

    /**
     * @return simulated milliseconds since the run began, for the journal.
     */
    long elapsedMs()
    {
        return (nowNs - 1_000_000_000L) / 1_000_000;
    }
}
