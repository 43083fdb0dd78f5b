package io.tandem.simulator;

import io.tandem.primary.PrimaryController;
import io.tandem.secondary.SecondaryController;
import io.tandem.secondary.takeover.TakeoverVerdict;
import io.tandem.staging.Durability;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Draws a seed's faults and holds the ones that last: which disk fails or is slow until when, which path is pulled
 * or lost (through the network and the processes), which primary dies once its restarted partner hears it, which
 * takeover dies part-way. {@link #heal} ends them all.
 * <p>
 * Not thread-safe: the simulation has one thread.
 */
final class FaultInjector
{
    /** The faults drawn at random moments; {@link Fault#CRASH_IN_TAKEOVER} is drawn when a takeover starts. */
    private static final Fault[] DRAWN = {
        Fault.CRASH, Fault.POWER_LOSS, Fault.RESTART_SECONDARY_THEN_KILL_PRIMARY, Fault.PAUSE, Fault.PULL_PATH,
        Fault.LOSE_PATH, Fault.DROP_FRAMES, Fault.DELAY_FRAMES, Fault.SLOW_POOL, Fault.SLOW_NVRAM, Fault.NVRAM_EIO,
        Fault.POOL_EIO, Fault.POOL_FULL, Fault.TAKEOVER, Fault.GIVEBACK, Fault.CHECKPOINT
    };
    /** One takeover in this many dies part-way, at a step drawn from the seed. */
    private static final int TAKEOVER_CRASH_ODDS = 4;
    /** The most steps a takeover's graph has: the step it dies before is drawn below this. */
    private static final int TAKEOVER_STEPS = 12;

    private final Simulation simulation;
    private final Random random;
    private final long[] nvramFailsUntilNs = {-1, -1};
    private final long[] nvramSlowUntilNs = {-1, -1};
    private final int[] takeoverStepsLeft = {-1, -1};
    private long poolSlowUntilNs = -1;
    private Fault poolFault;
    private long poolFaultUntilNs = -1;
    private int killPrimaryWhenHeard = -1;
    private boolean healed;

    FaultInjector(final Simulation simulation, final Random random)
    {
        this.simulation = simulation;
        this.random = random;
    }

    /**
     * Injects one fault drawn from the seed, now.
     */
    void inject()
    {
        final Fault fault = DRAWN[random.nextInt(DRAWN.length)];
        final int id = random.nextInt(2);
        final int path = random.nextInt(simulation.network().pathCount());
        final long forNs = 100_000_000L + random.nextInt(3_000) * 1_000_000L;
        final long nowNs = simulation.clock().nanoTime();
        final SimProcess process = simulation.process(id);
        final boolean alive = null != process && process.isAlive();
        String what = null;
        switch (fault)
        {
            case CRASH:
                what = "kill -9 controller " + id;
                simulation.crash(id, "fault");
                break;
            case POWER_LOSS:
                if (Durability.POWER == simulation.durability() && alive)
                {
                    what = "cut the power of controller " + id;
                    simulation.losePower(id);
                }
                break;
            case NVRAM_EIO:
                what = "controller " + id + "'s NVRAM fails its writes (EIO) for " + forNs / 4 / 1_000_000 + " ms";
                nvramFailsUntilNs[id] = nowNs + forNs / 4;
                break;
            case SLOW_NVRAM:
                what = "controller " + id + "'s NVRAM slow for " + forNs / 1_000_000 + " ms";
                nvramSlowUntilNs[id] = nowNs + forNs;
                break;
            case RESTART_SECONDARY_THEN_KILL_PRIMARY:
                what = restartSecondaryThenKillPrimary();
                break;
            case PAUSE:
                if (alive && !process.isPaused())
                {
                    what = "pause controller " + id + " for " + forNs / 1_000_000 + " ms";
                    simulation.journal().add("sim", "SIGSTOP controller " + id);
                    process.pause();
                    simulation.events().schedule(nowNs + forNs, null, () ->
                    {
                        simulation.journal().add("sim", "SIGCONT controller " + id);
                        process.resume();
                    });
                }
                break;
            case PULL_PATH:
                if (alive)
                {
                    what = "pull path " + path + " at controller " + id + " for " + forNs / 1_000_000 + " ms";
                    pull(process, path, true);
                    simulation.events().schedule(nowNs + forNs, null, () -> pull(process, path, false));
                }
                break;
            case LOSE_PATH:
                what = "lose path " + path + " in the network for " + forNs / 1_000_000 + " ms";
                simulation.network().lose(path, true);
                simulation.events().schedule(nowNs + forNs, null, () -> simulation.network().lose(path, false));
                break;
            case DROP_FRAMES:
            {
                final int percent = 1 + random.nextInt(50);
                what = "drop " + percent + "% of path " + path + "'s frames for " + forNs / 1_000_000 + " ms";
                simulation.network().dropRate(path, percent);
                simulation.events().schedule(nowNs + forNs, null, () -> simulation.network().dropRate(path, 0));
                break;
            }
            case DELAY_FRAMES:
            {
                final long delayNs = random.nextInt(300) * 1_000_000L;
                what = "delay path " + path + "'s frames " + delayNs / 1_000_000 + " ms for " + forNs / 1_000_000 +
                    " ms";
                simulation.network().delay(path, delayNs);
                simulation.events().schedule(nowNs + forNs, null, () -> simulation.network().delay(path, 0));
                break;
            }
            case SLOW_POOL:
                what = "slow pool for " + forNs / 1_000_000 + " ms";
                poolSlowUntilNs = nowNs + forNs;
                break;
            case POOL_EIO:
            case POOL_FULL:
                what = (Fault.POOL_EIO == fault ? "the pool's writes fail (EIO)" : "the pool's disk is full") +
                    " for " + forNs / 4 / 1_000_000 + " ms";
                failPool(fault, TimeUnit.NANOSECONDS.toMillis(forNs / 4));
                break;
            case TAKEOVER:
                what = takeover(id);
                break;
            case GIVEBACK:
            {
                final PrimaryController primary = alive ? process.primary() : null;
                if (null != primary)
                {
                    final String refused = primary.requestGiveback();
                    what = "ctl giveback at controller " + id + (null == refused ? "" : ": " + refused);
                }
                break;
            }
            default:
            {
                final PrimaryController primary = alive ? process.primary() : null;
                if (null != primary)
                {
                    what = "ctl cp at controller " + id;
                    primary.requestCheckpoint();
                }
                break;
            }
        }
        if (null != what)
        {
            simulation.recordFault(fault, what);
        }
    }

    private String restartSecondaryThenKillPrimary()
    {
        final int primary = simulation.servingPrimary();
        final SimProcess secondary = primary < 0 ? null : simulation.process(1 - primary);
        if (null == secondary || !secondary.isAlive())
        {
            return null;
        }
        simulation.journal().add("sim", "kill -9 controller " + (1 - primary) + " and restart it at once");
        secondary.kill();
        simulation.exited(secondary);
        simulation.start(1 - primary, false);
        killPrimaryWhenHeard = primary;
        return "restart secondary " + (1 - primary) + ", then kill primary " + primary + " once heard";
    }

    private String takeover(final int id)
    {
        final SimProcess process = simulation.process(id);
        final SecondaryController secondary = null == process || !process.isAlive() ? null : process.secondary();
        if (null == secondary)
        {
            return null;
        }
        final boolean force = random.nextInt(4) == 0;
        final String refused = secondary.requestTakeover(force);
        if (force && null == refused)
        {
            simulation.forcedTakeover(id);
        }
        return "ctl takeover" + (force ? " --force" : "") + " at controller " + id + ": " +
            (null == refused ? "accepted" : refused);
    }

    /**
     * After every tick: kills the primary a restarted secondary has just heard, if that fault is armed.
     */
    void afterTick()
    {
        if (killPrimaryWhenHeard < 0)
        {
            return;
        }
        final SimProcess restarted = simulation.process(1 - killPrimaryWhenHeard);
        final SecondaryController secondary = null == restarted ? null : restarted.secondary();
        final TakeoverVerdict verdict = null == secondary ? null : secondary.verdict();
        if (null != verdict && verdict.inputs().livePaths() > 0)
        {
            final int victim = killPrimaryWhenHeard;
            killPrimaryWhenHeard = -1;
            simulation.crash(victim, "the restarted secondary hears the primary: killing the primary");
        }
    }

    /**
     * A takeover starts at controller {@code id}: while faults are drawn (not in a scripted schedule, which says
     * every fault itself), one in {@link #TAKEOVER_CRASH_ODDS} is to die before a step drawn from the seed
     * ({@link #beforeTakeoverStep}).
     */
    void takeoverStarts(final int id)
    {
        takeoverStepsLeft[id] = !healed && !simulation.scripted() && 0 == random.nextInt(TAKEOVER_CRASH_ODDS) ?
            random.nextInt(TAKEOVER_STEPS) : -1;
    }

    /**
     * A step of controller {@code id}'s takeover is about to run.
     *
     * @return true if the controller dies here, before the step: kill -9, or a power cut at durability power.
     */
    boolean beforeTakeoverStep(final int id)
    {
        if (takeoverStepsLeft[id] < 0 || takeoverStepsLeft[id]-- > 0)
        {
            return false;
        }
        final boolean power = Durability.POWER == simulation.durability() && random.nextBoolean();
        simulation.recordFault(Fault.CRASH_IN_TAKEOVER, (power ? "cut the power of" : "kill -9") + " controller " +
            id + " part-way through its takeover");
        if (power)
        {
            simulation.losePower(id);
        }
        else
        {
            simulation.crash(id, "part-way through its takeover");
        }
        return true;
    }

    /**
     * The pool's writes fail ({@link Fault#POOL_EIO}) or its disk is full ({@link Fault#POOL_FULL}) for
     * {@code forMs}.
     */
    void failPool(final Fault fault, final long forMs)
    {
        poolFault = fault;
        poolFaultUntilNs = simulation.clock().nanoTime() + TimeUnit.MILLISECONDS.toNanos(forMs);
    }

    /**
     * Ends every fault: paths restored at both ends and in the network, paused processes resumed, the disks fast
     * and working; dead processes restart as scheduled.
     */
    void heal()
    {
        healed = true;
        simulation.journal().add("sim", "faults stop: healing every path, resuming every process");
        killPrimaryWhenHeard = -1;
        poolSlowUntilNs = -1;
        poolFaultUntilNs = -1;
        for (int id = 0; id < 2; id++)
        {
            nvramFailsUntilNs[id] = -1;
            nvramSlowUntilNs[id] = -1;
            takeoverStepsLeft[id] = -1;
        }
        final SimNetwork network = simulation.network();
        for (int path = 0; path < network.pathCount(); path++)
        {
            network.lose(path, false);
            network.dropRate(path, 0);
            network.delay(path, 0);
        }
        for (int id = 0; id < 2; id++)
        {
            final SimProcess process = simulation.process(id);
            if (null != process && process.isAlive())
            {
                process.resume();
                for (int path = 0; path < network.pathCount(); path++)
                {
                    pull(process, path, false);
                }
            }
        }
    }

    private static void pull(final SimProcess process, final int path, final boolean pull)
    {
        if (!process.isAlive())
        {
            return;
        }
        if (null != process.primary())
        {
            if (pull)
            {
                process.primary().pull(path);
            }
            else
            {
                process.primary().restore(path);
            }
        }
        else if (null != process.secondary())
        {
            if (pull)
            {
                process.secondary().pull(path);
            }
            else
            {
                process.secondary().restore(path);
            }
        }
    }

    /**
     * @return true while controller {@code id}'s NVRAM fails its writes.
     */
    boolean nvramFails(final int id)
    {
        return simulation.clock().nanoTime() < nvramFailsUntilNs[id];
    }

    /**
     * @return how long a write to controller {@code id}'s NVRAM takes now: 0 unless it is slow.
     */
    long nvramWriteNs(final int id)
    {
        return simulation.clock().nanoTime() < nvramSlowUntilNs[id] ? 1_000_000L + random.nextInt(50) * 1_000_000L :
            0;
    }

    /**
     * @return the disk fault in force now, or null.
     */
    Fault poolFault()
    {
        return simulation.clock().nanoTime() < poolFaultUntilNs ? poolFault : null;
    }

    /**
     * @return how long a pool request takes now.
     */
    long poolLatencyNs()
    {
        final long base = 50_000L + random.nextInt(1_000_000);
        return simulation.clock().nanoTime() < poolSlowUntilNs ? base + random.nextInt(300) * 1_000_000L : base;
    }
}
