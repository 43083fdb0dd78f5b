package io.tandem.simulator;

import io.tandem.controller.ControllerContext;
import io.tandem.controller.platform.RunStop;
import io.tandem.controller.pool.RunIdentity;
import io.tandem.controller.pool.Superblock;
import io.tandem.controller.pool.SuperblockStore;
import io.tandem.primary.PrimaryController;
import io.tandem.primary.PrimaryMode;
import io.tandem.secondary.SecondaryController;
import io.tandem.staging.Durability;
import org.agrona.IoUtil;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * One seed's run: both controllers' own code, the paths between them, their NVRAM, the pool and verifying
 * clients on this one thread, on one simulated clock, with faults drawn from one seeded random source. Same seed,
 * same run, same journal.
 * <p>
 * The run: the pair starts and mirrors; for {@link SimulationContext#faultTimeNs()} faults are injected at moments
 * drawn from the seed while the clients write and read; then every fault is healed and the pair must serve again
 * and mirror in sync within {@link SimulationContext#recoveryTimeNs()}, by itself; then every block is read back.
 * Checked all along: every read against what was acknowledged (no lost or torn write), every acknowledgement
 * against who owns the pool (a controller that lost it acknowledges nothing more).
 * <p>
 * Not thread-safe: one thread runs it.
 */
public final class Simulation
{
    private static final long TICK_NS = 1_000_000L;
    private static final int BLOCKS = 256;
    private static final int CLIENTS = 2;

    private final SimulationContext ctx;
    private final Random random;
    private final SimClock clock = new SimClock();
    private final EventQueue events = new EventQueue();
    private final Journal journal = new Journal(clock);
    private final SimNetwork network;
    private final Path dir;
    private final SimProcess[] processes = new SimProcess[2];
    /** The controller a forced takeover was asked of and has not yet fenced the primary, or -1. */
    private int forcedTakeoverBy = -1;
    private final List<SimProcess> everyProcess = new ArrayList<>();
    private final ControllerContext[] templates = new ControllerContext[2];
    private final VolumeModel model;
    private final SimClient[] clients = new SimClient[CLIENTS];
    private final Map<Fault, Integer> faults = new EnumMap<>(Fault.class);
    private final List<String> schedule = new ArrayList<>();
    private final List<String> violations = new ArrayList<>();
    private final SuperblockStore superblocks;
    private long nextPid = 1000;
    private final FaultInjector faultInjector;
    private final Durability durability;
    private long checks;
    /** The pool's superblock as last read; null once anything that may change it ran. */
    private Superblock superblock;
    /** Who listens on the volume's service address, or null. */
    private SimFrontEnd serviceHolder;
    private final long[] exitedRunIds = new long[2];

    private Simulation(final SimulationContext ctx) throws IOException
    {
        this.ctx = ctx;
        this.random = new Random(scramble(ctx.seed())); // nearby seeds would draw alike first
        this.network = new SimNetwork(this, 2);
        this.faultInjector = new FaultInjector(this, random);
        this.dir = Files.createTempDirectory(ctx.workDir(), "seed-" + ctx.seed() + "-");
        this.model = new VolumeModel(BLOCKS, ctx.seed());
        this.durability = null != ctx.durability() ? ctx.durability() :
            random.nextBoolean() ? Durability.PROCESS : Durability.POWER;
        this.superblocks = new SuperblockStore(dir.resolve("data").resolve("pool"), clock);
    }

    /**
     * java.util.Random's first draws of nearby seeds are alike (seeds 1..N all drew the same durability): a seed
     * goes through a 64-bit finaliser first.
     */
    private static long scramble(final long seed)
    {
        long x = seed + 0x9E3779B97F4A7C15L;
        x = (x ^ (x >>> 33)) * 0xFF51AFD7ED558CCDL;
        x = (x ^ (x >>> 33)) * 0xC4CEB9FE1A85EC53L;
        return x ^ (x >>> 33);
    }

    /**
     * Runs one seed.
     */
    public static SimulationResult run(final SimulationContext ctx) throws IOException
    {
        final Simulation simulation = new Simulation(ctx);
        try
        {
            return simulation.play();
        }
        catch (final RuntimeException | Error ex)
        {
            // the simulation itself broke: that seed fails, with what broke it, and the run goes on
            final java.io.StringWriter trace = new java.io.StringWriter();
            ex.printStackTrace(new java.io.PrintWriter(trace));
            simulation.violation("the simulation stopped: " + trace);
            return simulation.result();
        }
        finally
        {
            simulation.release();
            IoUtil.delete(simulation.dir.toFile(), true);
        }
    }

    private SimulationResult play()
    {
        final boolean exitWatch = random.nextBoolean();
        final ControllerContext.MirrorLossPolicy lossPolicy = random.nextBoolean() ?
            ControllerContext.MirrorLossPolicy.SUSPEND : ControllerContext.MirrorLossPolicy.CONTINUE;
        // a log of 3 MiB (near the least that holds a record of the largest payload in each half) has halves smaller
        // than what the mirror's windows may hold unacknowledged: a half can be due for reuse while the mirror may
        // still send records in it again
        final long nvramCapacity = random.nextBoolean() ? 3L << 20 : 4L << 20;
        // at process durability the NVRAM's contents may live in named memory that outlives a killed process (as
        // the launcher's default has them): every byte copied in survives kill -9, not only what was pwritten
        final Path nvramMemory = Durability.PROCESS == durability && random.nextBoolean() ?
            dir.resolve("nvram-memory") : null;
        for (int id = 0; id < 2; id++)
        {
            templates[id] = new ControllerContext().controllerId(id).dataDir(dir.resolve("data"))
                .partnerExitWatch(exitWatch).mirrorLossPolicy(lossPolicy)
                .volumeSize(4L << 20).nvramCapacity(nvramCapacity).cacheCapacity(2L << 20).stripeSize(4096)
                .cpIntervalMs(200 + random.nextInt(2000)).heartbeatIntervalMs(100).partnerStaleMs(1000)
                .poolWatchMs(20) // each look reads the superblock's real file: fewer looks, faster seeds
                .givebackTimeoutMs(3000).pathCount(2).nbdPort(0).controlPort(0)
                .serviceAddress(new java.net.InetSocketAddress("127.0.0.1", 10_800))
                .aeronDir(dir.resolve("aeron-" + id)).nanoClock(clock).epochClock(clock).durability(durability)
                .nvramMemoryDir(nvramMemory)
                // a simulated agent is stepped, never idles on its own: no selector to open (and leak when killed)
                .agentIdle(ControllerContext.AgentIdle.BACKOFF);
        }
        for (int c = 0; c < CLIENTS; c++)
        {
            clients[c] = new SimClient(this, model, c, CLIENTS);
        }
        journal.add("sim", "durability " + durability.name().toLowerCase() + ", partner exit watch " +
            (exitWatch ? "on" : "off") + ", mirror loss " + lossPolicy.name().toLowerCase() + ", NVRAM " +
            (nvramCapacity >> 20) + " MiB" + (null != nvramMemory ? " in named memory" : ""));
        processes[1] = start(1, false);
        processes[0] = start(0, true);

        final Script script = ctx.script();
        final long faultsEndNs = clock.nanoTime() + (null == script ? ctx.faultTimeNs() :
            TimeUnit.MILLISECONDS.toNanos(script.endMs()));
        long nextFaultNs = null == script ? clock.nanoTime() + 1_000_000_000L + drawDelayNs() : Long.MAX_VALUE;
        if (null != script)
        {
            for (final Script.Step step : script.steps())
            {
                events.schedule(clock.nanoTime() + TimeUnit.MILLISECONDS.toNanos(step.atMs()), null, () ->
                {
                    recordFault(null, step.what());
                    step.action().accept(this);
                });
            }
        }
        while (clock.nanoTime() < faultsEndNs && violations.isEmpty())
        {
            if (clock.nanoTime() >= nextFaultNs)
            {
                faultInjector.inject();
                nextFaultNs = clock.nanoTime() + drawDelayNs();
            }
            tick(true);
        }
        faultInjector.heal();
        final long recoverByNs = clock.nanoTime() + ctx.recoveryTimeNs();
        while (violations.isEmpty() && !mirrored())
        {
            if (clock.nanoTime() > recoverByNs)
            {
                violation("the pair did not serve mirrored again within " +
                    TimeUnit.NANOSECONDS.toSeconds(ctx.recoveryTimeNs()) + " s of the last fault\n" +
                    statusOf(0) + "\n" + statusOf(1) + "\n" + network.describe());
                break;
            }
            tick(true);
        }
        if (violations.isEmpty())
        {
            for (final SimClient client : clients)
            {
                client.sweep();
            }
            final long sweepByNs = clock.nanoTime() + ctx.recoveryTimeNs();
            while (violations.isEmpty() && !sweepDone())
            {
                if (clock.nanoTime() > sweepByNs)
                {
                    violation("the final read-back did not finish");
                    break;
                }
                tick(false);
            }
        }
        return result();
    }

    /**
     * Closes the files every run of the seed left open: a killed process's objects were dropped unclosed, as its
     * death requires, and its device files and pool volumes are closed here; what else it had open (mailbox
     * channels) its cleaners close once collected ({@link Simulate} collects every few seeds).
     */
    private void release()
    {
        for (final SimProcess process : everyProcess)
        {
            process.releaseFiles();
        }
        everyProcess.clear();
    }

    private SimulationResult result()
    {
        long acked = 0;
        long reads = 0;
        long zeroExtents = 0;
        long failovers = 0;
        for (final SimClient client : clients)
        {
            acked += client.writesAcked();
            reads += client.readsChecked();
            zeroExtents += client.zeroExtentsChecked();
            failovers += client.failovers();
        }
        return new SimulationResult(ctx.seed(), violations, schedule, journal.lines(), journal.digest(), faults,
            checks, acked, reads, zeroExtents, failovers, clock.elapsedMs(), null != ctx.script());
    }

    private void tick(final boolean clientsWrite)
    {
        clock.advanceTo(clock.nanoTime() + TICK_NS);
        if (events.runDue(clock.nanoTime()) > 0)
        {
            poolMayHaveChanged();
        }
        network.dropUnclaimed();
        final int first = random.nextInt(2);
        for (int i = 0; i < 2; i++)
        {
            final SimProcess process = processes[(first + i) % 2];
            if (null != process)
            {
                for (int round = 0; round < 3 && process.step() > 0; round++)
                {
                    // a duty cycle runs again at once while it finds work, as an agent does
                }
            }
        }
        for (final SimClient client : clients)
        {
            client.step();
        }
        faultInjector.afterTick();
        checks++;
    }

    SimProcess start(final int id, final boolean primary)
    {
        final SimProcess process = new SimProcess(this, templates[id], nextPid++, primary);
        everyProcess.add(process);
        processes[id] = process;
        journal.add("sim", "controller " + id + " starts as " + (primary ? "primary" : "secondary") + " (pid " +
            process.identity().pid() + ")");
        process.startRole();
        return process;
    }

    void crash(final int id, final String why)
    {
        final SimProcess process = processes[id];
        if (null == process || !process.isAlive())
        {
            return;
        }
        journal.add("sim", "kill -9 controller " + id + " (pid " + process.identity().pid() + "): " + why);
        process.kill();
        exited(process);
        if (null == ctx.script())
        {
            scheduleRestart(id, 200_000_000L + random.nextInt(2_000) * 1_000_000L);
        }
    }

    /**
     * A process's fatal fault: it exits, as the launcher exits with the fault's code, and restarts later.
     */
    void exit(final SimProcess process, final String why)
    {
        if (null != process && process.isAlive())
        {
            journal.add("sim", "controller " + process.controllerId() + " exits: " + why);
            process.kill();
            exited(process);
            scheduleRestart(process.controllerId(), 500_000_000L);
        }
    }

    private void scheduleRestart(final int id, final long afterNs)
    {
        final SimProcess dead = processes[id];
        events.schedule(clock.nanoTime() + afterNs, null, () ->
        {
            if (processes[id] == dead && !dead.isAlive())
            {
                start(id, random.nextBoolean());
            }
        });
    }

    /**
     * A script's step: kill -9 of controller {@code id}; it stays dead until {@link #startController}.
     */
    public void killController(final int id)
    {
        crash(id, "scripted");
    }

    /**
     * A script's step: starts controller {@code id} (dead or never started) as primary or secondary.
     */
    public void startController(final int id, final boolean primary)
    {
        final SimProcess process = processes[id];
        if (null == process || !process.isAlive())
        {
            start(id, primary);
        }
    }

    /**
     * A script's step: {@code ctl takeover [--force]} at controller {@code id}.
     */
    public String takeover(final int id, final boolean force)
    {
        final SecondaryController secondary = null == processes[id] ? null : processes[id].secondary();
        final String refused = null == secondary ? "not a secondary" : secondary.requestTakeover(force);
        if (force && null == refused)
        {
            forcedTakeover(id);
        }
        return refused;
    }

    /**
     * The operator forced a takeover at controller {@code id}, accepting to lose what its mirror lacks. The loss
     * is accepted for what was acknowledged until the takeover fences the old primary ({@link #stopRun}), which
     * may be much later than the request: a paused or stalled controller acts on it when it runs again, and the
     * old primary acknowledges writes meanwhile.
     */
    void forcedTakeover(final int id)
    {
        journal.add("sim", "a forced takeover at controller " + id + ": writes acknowledged before it fences the " +
            "primary may be lost, as the operator accepted; those acknowledged after it may not");
        forcedTakeoverBy = id;
    }

    /**
     * A script's step: the pool's writes fail ({@link Fault#POOL_EIO}) or its disk is full
     * ({@link Fault#POOL_FULL}) for {@code forMs}.
     */
    public void failPool(final Fault fault, final long forMs)
    {
        faultInjector.failPool(fault, forMs);
    }

    /**
     * A script's step: {@code ctl giveback} at controller {@code id}.
     */
    public String giveback(final int id)
    {
        final PrimaryController primary = null == processes[id] ? null : processes[id].primary();
        return null == primary ? "not a primary" : primary.requestGiveback();
    }

    /**
     * What a takeover's fence does to the partner's run ({@link SimProcess#stopRun}): kills it if it still runs.
     */
    RunStop stopRun(final RunIdentity partner, final int by)
    {
        if (by == forcedTakeoverBy)
        {
            forcedTakeoverBy = -1;
            journal.add("sim", "the forced takeover fences the primary: what it acknowledged so far may be lost");
            model.forgiveAll();
        }
        for (final SimProcess process : processes)
        {
            if (null != process && process.identity().runId() == partner.runId())
            {
                if (process.isAlive())
                {
                    crash(process.controllerId(), "fenced by the partner's takeover");
                    return new RunStop(true, "partner pid " + partner.pid() + " was alive: killed");
                }
                return new RunStop(true, "partner pid " + partner.pid() + " is gone");
            }
        }
        return new RunStop(true, "partner pid " + partner.pid() + " is gone (an earlier run)");
    }

    /**
     * Puts a fault in the schedule a violation prints, and in the journal, at the simulated time.
     */
    void recordFault(final Fault fault, final String what)
    {
        if (null != fault)
        {
            faults.merge(fault, 1, Integer::sum);
        }
        final long ms = clock.elapsedMs();
        schedule.add(String.format("%6d.%03d %s", ms / 1000, ms % 1000, what));
        journal.add("fault", what);
    }

    int servingPrimary()
    {
        for (final SimProcess process : processes)
        {
            if (null != process && process.isAlive() && null != process.primary())
            {
                return process.controllerId();
            }
        }
        return -1;
    }

    private boolean mirrored()
    {
        final int primaryId = servingPrimary();
        if (primaryId < 0)
        {
            return false;
        }
        final PrimaryController primary = processes[primaryId].primary();
        final SimProcess partner = processes[1 - primaryId];
        return PrimaryMode.MIRRORED == primary.mode() && null != partner && partner.isAlive() &&
            null != partner.secondary() && partner.secondary().sessionEpoch() == primary.epoch();
    }

    private String statusOf(final int id)
    {
        final SimProcess process = processes[id];
        if (null == process || !process.isAlive())
        {
            return "--- controller " + id + ": not running";
        }
        final String status = null != process.primary() ? process.primary().status() :
            null != process.secondary() ? process.secondary().status() : "changing role";
        return "--- controller " + id + ":\n" + status;
    }

    private boolean sweepDone()
    {
        for (final SimClient client : clients)
        {
            if (!client.sweepDone())
            {
                return false;
            }
        }
        return true;
    }

    private long drawDelayNs()
    {
        return (long)(-Math.log(1 - random.nextDouble()) * ctx.meanFaultIntervalNs());
    }

    /**
     * Cuts controller {@code id}'s power: it dies, and what it wrote and did not force is lost or torn.
     */
    void losePower(final int id)
    {
        final SimProcess process = processes[id];
        crash(id, "power cut");
        try
        {
            journal.add("sim", "the power cut lost " + process.losePower(random) + " unforced sectors and blocks of " +
                "controller " + id);
        }
        catch (final IOException ex)
        {
            violation("cannot simulate the power cut: " + ex);
        }
    }

    /**
     * A script's step: cuts controller {@code id}'s power (at durability {@code power}).
     */
    public void cutPower(final int id)
    {
        losePower(id);
    }

    /**
     * @return true if writes not yet forced must be remembered, for a power cut to lose: at durability
     * {@code power} only (at {@code process} the promise does not cover a power loss).
     */
    boolean tracksPower()
    {
        return Durability.POWER == durability;
    }

    /**
     * Checks that the controller writing the pool owns it, by the superblock as it is now (a takeover in the same
     * event may just have changed it).
     */
    void checkPoolWriter(final SimProcess process, final long blockIndex)
    {
        try
        {
            final Superblock superblock = superblocks.read();
            if (superblock.owner() != process.controllerId())
            {
                violation("controller " + process.controllerId() + " (pid " + process.identity().pid() + ") wrote " +
                    "block " + blockIndex + " of the pool, which controller " + superblock.owner() + " owns at epoch " +
                    superblock.epoch());
            }
        }
        catch (final IOException ex)
        {
            violation("cannot read the superblock: " + ex);
        }
    }

    /**
     * Checks that the controller that acknowledged a write owns the pool at the epoch it serves in.
     */
    void checkAcknowledger(final SimProcess process, final String what)
    {
        final PrimaryController primary = process.primary();
        try
        {
            if (null == superblock)
            {
                superblock = superblocks.read();
            }
            if (null == primary || superblock.owner() != process.controllerId() ||
                superblock.epoch() != primary.epoch())
            {
                violation("controller " + process.controllerId() + " acknowledged a " + what + " without owning " +
                    "the pool (pool: owner " + superblock.owner() + " epoch " + superblock.epoch() + "; it serves " +
                    (null == primary ? "no primary" : "epoch " + primary.epoch()) + ")");
            }
        }
        catch (final IOException ex)
        {
            violation("cannot read the superblock: " + ex);
        }
    }

    /**
     * Something that may change the superblock ran (an event, a role starting or closing): read it again
     * before the next check.
     */
    void poolMayHaveChanged()
    {
        superblock = null;
    }

    void violation(final String what)
    {
        journal.add("CHECK", "VIOLATION: " + what);
        violations.add(what);
    }

    /**
     * A front end binds the volume's service address: refused while another live process holds it. Checks that
     * the binder owns the pool at the epoch it serves in (it binds only once its fence is complete).
     *
     * @return true if bound.
     */
    boolean bindService(final SimFrontEnd frontEnd)
    {
        if (null != serviceHolder && serviceHolder != frontEnd && serviceHolder.holdsService())
        {
            return false;
        }
        serviceHolder = frontEnd;
        checkAcknowledger(frontEnd.process(), "bind of the service address");
        journal.add("c" + frontEnd.process().controllerId(), "bound the service address");
        return true;
    }

    void releaseService(final SimFrontEnd frontEnd)
    {
        if (serviceHolder == frontEnd)
        {
            serviceHolder = null;
            journal.add("c" + frontEnd.process().controllerId(), "let go of the service address");
        }
    }

    /**
     * @return the front end a client connecting to the service address reaches, or null (connection refused).
     */
    SimFrontEnd serviceFrontEnd()
    {
        return null != serviceHolder && serviceHolder.holdsService() ? serviceHolder : null;
    }

    /**
     * @return the id of controller {@code id}'s last run that exited, 0 if none: what a watch of the partner's
     * exit learns from the host.
     */
    long exitedRunId(final int id)
    {
        return exitedRunIds[id];
    }

    /**
     * A process died: the host knows it at once.
     */
    void exited(final SimProcess process)
    {
        exitedRunIds[process.controllerId()] = process.identity().runId();
    }

    SimFrontEnd frontEnd(final int controllerId)
    {
        final SimProcess process = processes[controllerId];
        return null == process || !process.isAlive() ? null : process.frontEnd();
    }

    FaultInjector injector()
    {
        return faultInjector;
    }

    /**
     * @return true if a hand-written schedule plays the faults, not the seed.
     */
    boolean scripted()
    {
        return null != ctx.script();
    }

    SimProcess process(final int id)
    {
        return processes[id];
    }

    Durability durability()
    {
        return durability;
    }

    SimClock clock()
    {
        return clock;
    }

    EventQueue events()
    {
        return events;
    }

    Journal journal()
    {
        return journal;
    }

    SimNetwork network()
    {
        return network;
    }

    Random random()
    {
        return random;
    }
}
