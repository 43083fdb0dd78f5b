package io.tandem.simulator;

/**
 * The faults the simulation draws from its seed.
 */
public enum Fault
{
    /** kill -9 of a controller's process; it restarts after a delay, in a role drawn from the seed. */
    CRASH,
    /**
     * A controller's power cut (durability {@code power} only): what it wrote and did not force is lost or torn
     * at sector granularity; it restarts after a delay.
     */
    POWER_LOSS,
    /** The mirroring controller killed and restarted, and the serving one killed once the restarted one hears it. */
    RESTART_SECONDARY_THEN_KILL_PRIMARY,
    /** A process stopped (SIGSTOP) for a while, then resumed with its old view of the world. */
    PAUSE,
    /** A cable pulled at one controller's end for a while. */
    PULL_PATH,
    /** A path lost in the network, both ways, for longer than the detection time. */
    LOSE_PATH,
    /** Frames of a path dropped at a rate for a while. */
    DROP_FRAMES,
    /** Frames of a path delayed for a while. */
    DELAY_FRAMES,
    /** The pool slow to answer for a while. */
    SLOW_POOL,
    /**
     * A controller's NVRAM slow for a while: each write holds the thread that makes it (the agent, which steps
     * the NVRAM's flusher in the simulation) for up to 50 ms, while its housekeeping (heartbeats) goes on.
     */
    SLOW_NVRAM,
    /** A controller's NVRAM fails its writes (EIO) for a while. */
    NVRAM_EIO,
    /** The pool's writes fail (EIO) for a while. */
    POOL_EIO,
    /** The pool's disk full (ENOSPC) for a while. */
    POOL_FULL,
    /** `ctl takeover`, forced or not. */
    TAKEOVER,
    /** `ctl giveback`. */
    GIVEBACK,
    /** `ctl cp`. */
    CHECKPOINT,
    /**
     * A controller killed (or its power cut) part-way through a takeover, before a step of its graph drawn from
     * the seed: drawn when a takeover starts, not at a random moment.
     */
    CRASH_IN_TAKEOVER
}
