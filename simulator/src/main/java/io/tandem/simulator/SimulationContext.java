package io.tandem.simulator;

import io.tandem.staging.Durability;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * What one seed's run is: the seed, how long faults are injected, how long the pair then has to serve mirrored
 * again by itself, how often faults come, and where its files go (tmpfs when there is one).
 */
public final class SimulationContext
{
    private long seed;
    private long faultTimeNs = TimeUnit.SECONDS.toNanos(12);
    private long recoveryTimeNs = TimeUnit.SECONDS.toNanos(30);
    private long meanFaultIntervalNs = TimeUnit.MILLISECONDS.toNanos(1_000);
    private Script script;
    private Durability durability;
    private Path workDir = Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm") :
        Path.of(System.getProperty("java.io.tmpdir"));

    public long seed()
    {
        return seed;
    }

    public SimulationContext seed(final long seed)
    {
        this.seed = seed;
        return this;
    }

    /**
     * @return simulated time faults are injected for, after the pair first starts.
     */
    public long faultTimeNs()
    {
        return faultTimeNs;
    }

    public SimulationContext faultTimeNs(final long faultTimeNs)
    {
        this.faultTimeNs = faultTimeNs;
        return this;
    }

    /**
     * @return simulated time the pair has, once faults stop, to serve mirrored again by itself; and then to read
     * every block back.
     */
    public long recoveryTimeNs()
    {
        return recoveryTimeNs;
    }

    public SimulationContext recoveryTimeNs(final long recoveryTimeNs)
    {
        this.recoveryTimeNs = recoveryTimeNs;
        return this;
    }

    public long meanFaultIntervalNs()
    {
        return meanFaultIntervalNs;
    }

    public SimulationContext meanFaultIntervalNs(final long meanFaultIntervalNs)
    {
        this.meanFaultIntervalNs = meanFaultIntervalNs;
        return this;
    }

    /**
     * @return the hand-written fault schedule to play instead of faults drawn from the seed, or null.
     */
    public Script script()
    {
        return script;
    }

    public SimulationContext script(final Script script)
    {
        this.script = script;
        return this;
    }

    /**
     * @return the pair's durability, or null to draw it from the seed.
     */
    public Durability durability()
    {
        return durability;
    }

    public SimulationContext durability(final Durability durability)
    {
        this.durability = durability;
        return this;
    }

    public Path workDir()
    {
        return workDir;
    }

    public SimulationContext workDir(final Path workDir)
    {
        this.workDir = workDir;
        return this;
    }

    /**
     * @return a copy for another seed.
     */
    public SimulationContext copy()
    {
        return new SimulationContext().seed(seed).faultTimeNs(faultTimeNs).recoveryTimeNs(recoveryTimeNs)
            .meanFaultIntervalNs(meanFaultIntervalNs).workDir(workDir).script(script).durability(durability);
    }
}
