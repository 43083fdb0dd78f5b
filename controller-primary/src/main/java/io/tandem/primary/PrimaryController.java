package io.tandem.primary;

import io.tandem.controller.AgentIdling;
import io.tandem.controller.ControllerContext;
import io.tandem.controller.ControllerShell;
import io.tandem.controller.errors.CountedErrorLog;
import io.tandem.controller.errors.FatalFault;
import io.tandem.controller.metrics.MetricsWriter;
import io.tandem.controller.metrics.RoleMetrics;
import io.tandem.controller.nbd.NbdFrontEnd;
import io.tandem.controller.nbd.NbdServerContext;
import io.tandem.controller.nbd.ServiceAddressState;
import io.tandem.controller.pool.EpochLease;
import io.tandem.controller.pool.MailboxFile;
import io.tandem.controller.pool.MirrorState;
import io.tandem.controller.pool.Ownership;
import io.tandem.controller.pool.Pool;
import io.tandem.controller.pool.PoolOwnedByPartnerException;
import io.tandem.controller.pool.Superblock;
import io.tandem.controller.platform.StartBeside;
import io.tandem.interconnect.MirrorLink;
import io.tandem.interconnect.MirrorSender;
import io.tandem.nvlog.NvLog;
import io.tandem.primary.cache.ConsistencyPoint;
import io.tandem.primary.cache.ConsistencyPointContext;
import io.tandem.primary.cache.ConsistencyPointListener;
import io.tandem.primary.cache.CpFailure;
import io.tandem.primary.cache.PageCache;
import io.tandem.primary.cache.PageCacheContext;
import io.tandem.primary.replay.LogReplay;
import io.tandem.primary.write.WritePath;
import io.tandem.primary.write.WriteStatus;
import io.tandem.staging.Durability;
import io.tandem.raid.PoolArrays;
import io.tandem.raid.RebuildAgent;
import org.agrona.CloseHelper;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.Agent;

import java.io.IOException;
import java.io.PrintStream;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The primary role: owns the pool, serves the volume over NBD, logs every write locally and mirrors it to the
 * partner before acknowledging it, and takes consistency points.
 * <p>
 * Launch: open the pool and take it (the epoch goes up: a former owner is fenced), open the NVLog and replay
 * what it holds above the pool's CP LSN, take a consistency point so the pool holds everything, then start the
 * mirror, the write path and the NBD server. Threads, decided here: the controller's agent (NBD server,
 * interconnect, write path and consistency points in one duty cycle; with {@code agentIdle} SELECT also the Aeron
 * media driver and, at durability process, the NVRAM flusher, the agent sleeping on its sockets when idle), the
 * NVRAM flusher at durability power, the media driver with {@code agentIdle} BACKOFF, the consistency point's
 * I/O thread, a housekeeping thread (mailbox heartbeat, fencing check) and the control port's thread.
 * <p>
 * Thread-safe: {@link #status()}, {@link #requestCheckpoint()}, {@link #pull(int)}, {@link #restore(int)} and
 * {@link #close()} from any thread.
 */
public final class PrimaryController implements AutoCloseable, RoleMetrics
{
    private final ControllerContext ctx;
    private final ControllerShell shell;
    private final Pool pool;
    private final Ownership ownership;
    private volatile long epoch;
    private final NvLog log;
    private final PageCache cache;
    private ConsistencyPoint consistencyPoint;
    private volatile MirrorLink interconnect;
    private MirrorSender sender;
    private final WritePath writePath;
    private final NbdFrontEnd nbd;
    private final AgentIdling agentIdle;
    private final CountedErrorLog errors;
    private final ScheduledExecutorService housekeeping;
    private int controlPort;
    private boolean serving;
    private final PrimarySnapshot published;
    private final long startupReplayed;
    /** At the start, the pool said it alone holds every acknowledged write (SYNCING) at this epoch. */
    private final boolean poolSyncing;
    /** The pool was handed to the partner (a giveback): its newer epoch is this controller's doing. */
    private volatile boolean handedOver;
    private volatile boolean checkpointRequested;
    private volatile boolean fenced;
    private AgentRunner rebuild;
    private volatile boolean givebackRequested;
    /** The partner's run id as its mailbox last showed it while it ran as secondary; 0 before. */
    private volatile long partnerRunId;
    /**
     * The partner is not there to mirror to: its process exited, or it has had no fresh heartbeat though this
     * primary has run long enough for a partner starting beside it to show one ({@link #PARTNER_WAIT_STALE_TIMES}).
     */
    private volatile boolean partnerGone;
    /** A primary waits this many staleness times from its start before it takes a silent partner for gone. */
    private static final int PARTNER_WAIT_STALE_TIMES = 3;
    private final long startedMs;
    /** The host reported the partner's process exited: its acks can never come. */
    private volatile boolean partnerExited;
    private final io.tandem.controller.platform.PartnerExitWatch exitWatch;
    private final EpochLease epochLease;
    private volatile PrimaryMode mode = PrimaryMode.SYNCING;
    private volatile PrimaryTransition lastTransition;
    /** Mode changes so far: a reader can tell a transition it asked for from one made before. */
    private volatile long transitions;
    private volatile boolean checkpointCommanded;
    /** Why the write path last asked for a CP; the agent's own. */
    private ConsistencyPoint.Reason requestedCheckpoint = ConsistencyPoint.Reason.LOG_HALF_FULL;
    private final boolean[] pulled;

    private PrimaryController(final ControllerContext ctx, final PrintStream progress) throws IOException
    {
        this.ctx = ctx;
        this.shell = ControllerShell.open(ctx);
        this.agentIdle = shell.agentIdle();
        this.errors = shell.errors();
        this.housekeeping = shell.housekeeping();
        this.pool = shell.pool();
        this.epochLease = new EpochLease(TimeUnit.MILLISECONDS.toNanos(ctx.partnerStaleMs()));
        this.pulled = new boolean[ctx.pathCount()];
        this.startedMs = ctx.epochClock().time();
        this.exitWatch = shell.newPartnerExitWatch();
        NvLog log = null;
        PageCache cache = null;
        ConsistencyPoint consistencyPoint = null;
        MirrorLink interconnect = null;
        StartBeside<MirrorLink> launching = null;
        NbdFrontEnd nbd = null;
        try
        {
            this.ownership = new Ownership(pool.superblocks());
            final Superblock before = pool.superblocks().read();
            if (before.owner() == ctx.partnerId())
            {
                throw new PoolOwnedByPartnerException("the pool is owned by controller " + before.owner() +
                    " at epoch " + before.epoch() + ", newer than any this controller served in: starting as primary " +
                    "would fence the partner that serves the volume now. Start this controller as the secondary " +
                    "instead.");
            }
            final long takeStartNs = ctx.nanoClock().nanoTime();
            final boolean handed = 0 != ctx.handedEpoch() && before.owner() == ctx.controllerId() &&
                before.epoch() == ctx.handedEpoch();
            this.epoch = handed ? before.epoch() : ownership.take(ctx.controllerId(), before);
            if (-1 == epoch)
            {
                throw new PoolOwnedByPartnerException("the pool changed while this controller started (it was " +
                    before + ", it is " + pool.superblocks().read() + "): not taking it. Start this controller as " +
                    "the secondary, or start it again.");
            }
            epochLease.renew(takeStartNs);
            final String took = handed ? "serving the pool at epoch " + epoch + ", as it was handed over" :
                "took the pool at epoch " + epoch;
            progress.println("controller " + ctx.controllerId() + ": " + took);
            journal("primary", took);

            // the endpoint needs nothing the rest of the start makes: it starts beside it
            launching = StartBeside.start(ctx.platform(), "tandem-interconnect-start",
                () -> ctx.platform().launchSender(ctx.newInterconnect(epoch, true, agentIdle.watcher())));
            final long logStartNs = ctx.nanoClock().nanoTime();
            final int streams = ctx.newInterconnect(epoch).streamCount();
            final NvLog kept = shell.keptLog(streams);
            log = null != kept ? kept : NvLog.open(shell.nvlogContext(streams));
            log.epoch(epoch);
            progress.println("controller " + ctx.controllerId() + ": NVLog " + (null != kept ?
                "kept open from the role before (" + Math.round(100 * log.fill()) + "% full)" :
                log.recoveryReport() + "; " + ControllerShell.nvramPlace(log.device())));

            final Superblock superblock = pool.superblocks().read();
            // the map as of the pool's CP LSN: the replay below marks what it replays, as every write does after
            cache = new PageCache(new PageCacheContext().device(pool.volume()).capacity(ctx.cacheCapacity())
                .allocationMap(pool.loadAllocationMap(superblock)));
            consistencyPoint = newConsistencyPoint(cache, epoch);

            cache.appliedUpTo(superblock.cpLsn());
            final LogReplay replay = new LogReplay(cache, consistencyPoint, ctx.nanoClock());
            if (Math.max(log.maxLsn(0), log.maxLsn(1)) > superblock.cpLsn())
            {
                // a log kept from a takeover or a giveback holds nothing above the CP LSN: nothing to look through
                replay.replay(log, Integer.MIN_VALUE, superblock.cpLsn());
            }
            try
            {
                if (0 == replay.replayed())
                {
                    consistencyPoint.poolHolds(superblock.cpLsn()); // nothing replayed: nothing to put in the pool
                }
                else
                {
                    replay.runConsistencyPoint();
                }
            }
            catch (final IllegalStateException ex)
            {
                if (ConsistencyPoint.State.FENCED == consistencyPoint.state())
                {
                    throw new PoolOwnedByPartnerException("controller " + ctx.partnerId() + " took the pool over " +
                        "while this controller started (its epoch " + epoch + " was fenced): its log stays for the " +
                        "partner's resync. Start this controller as the secondary instead.");
                }
                throw ex;
            }
            this.startupReplayed = replay.replayed();
            // a pool that says the pool alone holds every acknowledged write at this epoch (a start over a pool a
            // resync left SYNCING), and so does this start: the mirror generation need not record it again
            this.poolSyncing = MirrorState.SYNCING == superblock.mirrorState() && superblock.epoch() == epoch;
            final long firstLsn = Math.max(superblock.cpLsn(), replay.highestLsn()) + 1;
            log.releaseUpTo(consistencyPoint.lastCpLsn());
            progress.println("controller " + ctx.controllerId() + ": replayed " + replay.replayed() +
                " records above CP LSN " + superblock.cpLsn() + "; next LSN " + firstLsn);

            final long interconnectStartNs = ctx.nanoClock().nanoTime();
            interconnect = launching.join();
            final long nbdStartNs = ctx.nanoClock().nanoTime();
            this.sender = interconnect.sender();
            final NbdServerContext nbdCtx = new NbdServerContext().bindAddress(ctx.bindAddress())
                .port(ctx.nbdPort()).useAgentInvoker(true)
                .channelWatcher(agentIdle.watcher())
                .coalesceDepth(ctx.nbdCoalesceDepth()).coalesceWindowNs(ctx.nbdCoalesceWindowNs())
                .exportDescription("tandem controller " + ctx.controllerId() + " (primary, epoch " + epoch + ")");
            this.writePath = new WritePath(log, sender, cache, why ->
            {
                requestedCheckpoint = why;
                checkpointRequested = true;
            }, ctx.nanoClock(), nbdCtx.maxConnections() * nbdCtx.maxRequestsPerConnection() + 64, epoch, firstLsn,
                MirroredVolume::complete);
            writePath.epochLease(epochLease);
            writePath.latency(null == ctx.telemetry() ? null : ctx.telemetry().latency());
            writePath.noSpaceWaitNs(TimeUnit.MILLISECONDS.toNanos(ctx.noSpaceWaitMs()));
            if (ctx.startWithoutMirror())
            {
                if (!ownership.recordMirrorState(epoch, MirrorState.STALE, 0))
                {
                    throw new PoolOwnedByPartnerException("controller " + ctx.partnerId() + " took the pool over " +
                        "while this controller started after its takeover: start it as the secondary instead.");
                }
                long ticket;
                while ((ticket = log.recordAckedAlone(epoch)) < 0)
                {
                    log.device().awaitCompletion(log.device().lastTicket());
                }
                log.device().awaitCompletion(ticket);
                writePath.runWithoutMirror(epoch);
                mode = PrimaryMode.DEGRADED;
                progress.println("controller " + ctx.controllerId() + ": the partner is gone: acknowledging writes " +
                    "from this controller's NVLog alone until it returns (mirror recorded stale)");
            }
            else
            {
                writePath.hold(true); // until the partner holds this epoch's mirror generation
            }
            final MirroredVolume volume = new MirroredVolume();
            volume.writePath(writePath);
            nbdCtx.volume(volume);
            nbd = ctx.platform().launchFrontEnd(nbdCtx);
            // the pool is this controller's at its epoch: the volume's address follows it here
            nbd.serviceAddress(ctx.serviceAddress());

            this.log = log;
            this.cache = cache;
            this.consistencyPoint = consistencyPoint;
            this.interconnect = interconnect;
            this.nbd = nbd;
            this.published = new PrimarySnapshot(ctx.pathCount(), log.partitioner().streamCount());
            published.controllerId = ctx.controllerId();
            published.nbd = ctx.bindAddress() + ":" + nbd.port();
            published.service = null == ctx.serviceAddress() ? "" :
                ctx.serviceAddress().getHostString() + ":" + ctx.serviceAddress().getPort();
            published.durability = ctx.durability().toString();
            published.agentIdle = ctx.agentIdle().name().toLowerCase();
            published.coalesceDepth = ctx.nbdCoalesceDepth();
            published.coalesceWindowUs = ctx.nbdCoalesceWindowNs() / 1000;
            published.startupReplayed = startupReplayed;

            shell.heartbeat(this::beat, exitWatch);
            rebuild = startRebuild();
            shell.start(new PrimaryAgent());
            serving = true;
            this.controlPort = shell.serveControl(new PrimaryControlHandler(this));
            final long servingNs = ctx.nanoClock().nanoTime();
            progress.println("controller " + ctx.controllerId() + ": started in " + ms(servingNs - takeStartNs) +
                " ms: pool " + ms(logStartNs - takeStartNs) + " ms, NVLog and replay " +
                ms(interconnectStartNs - logStartNs) + " ms, waiting for the interconnect (started beside) " +
                ms(nbdStartNs - interconnectStartNs) + " ms, NBD and agent " + ms(servingNs - nbdStartNs) + " ms");
            progress.println("controller " + ctx.controllerId() + ": primary serving nbd://" + ctx.bindAddress() + ":" +
                nbd.port() + " (control port " + controlPort + ", " + ctx.pathCount() + " interconnect paths)");
        }
        catch (final IOException | RuntimeException ex)
        {
            shell.stopServing();
            CloseHelper.quietCloseAll(nbd, launching, interconnect, consistencyPoint, cache, exitWatch);
            if (null != log)
            {
                shell.releaseLog(log); // the role this controller starts instead takes it as it is
            }
            shell.close();
            throw ex;
        }
    }

    private static long ms(final long ns)
    {
        return TimeUnit.NANOSECONDS.toMillis(ns);
    }

    /**
     * Launches the primary; returns once it serves.
     *
     * @param progress where start-up steps are reported.
     */
    public static PrimaryController launch(final ControllerContext ctx, final PrintStream progress) throws IOException
    {
        ctx.conclude();
        return new PrimaryController(ctx, progress);
    }

    /**
     * Replaces the mirror session with a new one in {@code sessionEpoch}, and the consistency point with one that
     * records in it. On the agent thread, with the write path quiet.
     */
    private void startMirrorSession(final long sessionEpoch)
    {
        final MirrorLink old = interconnect;
        CloseHelper.quietClose(old); // at once: the new session binds the same ports
        final MirrorLink fresh = ctx.platform().launchSender(
            ctx.newInterconnect(sessionEpoch, true, agentIdle.watcher()));
        for (int path = 0; path < pulled.length; path++)
        {
            if (pulled[path])
            {
                fresh.pull(path);
            }
        }
        interconnect = fresh;
        sender = fresh.sender();
        log.epoch(sessionEpoch);
        final ConsistencyPoint oldCp = consistencyPoint;
        consistencyPoint = newConsistencyPoint(cache, sessionEpoch);
        CloseHelper.quietClose(oldCp);
        writePath.mirrorTo(sender, sessionEpoch);
    }

    private ConsistencyPoint newConsistencyPoint(final PageCache cache, final long cpEpoch)
    {
        return new ConsistencyPoint(new ConsistencyPointContext().cache(cache).ownership(ownership)
            .allocationMapFile(pool.allocationMapFile()).epoch(cpEpoch).nanoClock(ctx.nanoClock())
            .listener(new CheckpointListener()).onStepDone(agentIdle::wake)
            .forcePool(Durability.POWER == ctx.durability()).epochLease(epochLease)
            .ioExecutor(ctx.platform().consistencyPointIo()));
    }

    private void journal(final String subject, final String message)
    {
        if (null != ctx.journal())
        {
            ctx.journal().note(subject, message);
        }
    }

    private void beat()
    {
        try
        {
            if (!ctx.health().mayBeat(log.device().failure()))
            {
                return; // a controller that cannot do its job goes silent, so the partner takes over
            }
            final long checkStartNs = ctx.nanoClock().nanoTime();
            if (!fenced && !handedOver && PrimaryMode.GIVEN_BACK != mode)
            {
                if (ownership.isFenced(epoch))
                {
                    fenced = true;
                    agentIdle.wake();
                }
                else
                {
                    epochLease.renew(checkStartNs);
                }
            }
            final int role = fenced ? MailboxFile.ROLE_FENCED :
                PrimaryMode.GIVEN_BACK == mode ? MailboxFile.ROLE_STOPPED : MailboxFile.ROLE_PRIMARY;
            shell.mailbox().beat(ctx.controllerId(), role, epoch, ctx.epochClock().time());
            final io.tandem.controller.pool.Mailbox partner = shell.partnerMailbox().read();
            final boolean fresh = null != partner &&
                ctx.epochClock().time() - partner.heartbeatMs() <= ctx.partnerStaleMs();
            if (fresh && MailboxFile.ROLE_SECONDARY == partner.role())
            {
                partnerRunId = partner.runId();
            }
            partnerExited = null != partner && exitWatch.exited(partner.run());
            partnerGone = partnerExited || !fresh &&
                ctx.epochClock().time() - startedMs >= PARTNER_WAIT_STALE_TIMES * ctx.partnerStaleMs();
        }
        catch (final IOException | RuntimeException ex)
        {
            // a missed heartbeat is what the partner watches for; the next one may get through
        }
    }

    /**
     * Asks for a consistency point now (`tandem ctl cp`).
     */
    public void requestCheckpoint()
    {
        checkpointCommanded = true;
        checkpointRequested = true;
        agentIdle.wake();
    }

    public void pull(final int path)
    {
        pulled[path] = true;
        interconnect.pull(path);
    }

    public void restore(final int path)
    {
        pulled[path] = false;
        interconnect.restore(path);
    }

    /**
     * Asks to give the volume back to the partner (`tandem ctl giveback`).
     *
     * @return why it cannot be done now, or null if it was started.
     */
    public String requestGiveback()
    {
        final PrimaryMode current = mode;
        if (PrimaryMode.MIRRORED != current)
        {
            return "the primary is " + current + ": give back only while the partner holds the mirror";
        }
        if (!sender.hasLivePath())
        {
            return "no interconnect path is up: the partner cannot take the volume";
        }
        givebackRequested = true;
        agentIdle.wake();
        return null;
    }

    public PrimaryMode mode()
    {
        return mode;
    }

    /**
     * @return the last change of {@link #mode()}, or null before the first.
     */
    public PrimaryTransition lastTransition()
    {
        return lastTransition;
    }

    /**
     * @return true once the pool was handed to the partner: this controller should run as secondary now.
     */
    public boolean gaveBack()
    {
        return PrimaryMode.GIVEN_BACK == mode;
    }

    public boolean isPulled(final int path)
    {
        return interconnect.isPulled(path);
    }

    /**
     * @return the latest status, refreshed by the controller's agent every 100 ms.
     */
    public String status()
    {
        return render(false);
    }

    /**
     * @return the status as one flat JSON object: the same typed fields as {@link #status()}.
     */
    public String statusJson()
    {
        return render(true);
    }

    public long epoch()
    {
        return epoch;
    }

    public io.tandem.controller.metrics.ControllerRole role()
    {
        return io.tandem.controller.metrics.ControllerRole.PRIMARY;
    }

    /**
     * Writes the metrics of the state the agent last captured (as {@link #status()} renders it) and of the NBD
     * server's counters, on the caller's thread.
     */
    public void writeMetrics(final MetricsWriter out)
    {
        final PrimarySnapshot copy = new PrimarySnapshot(pulled.length, published.streamSent.length);
        copy.copyFrom(published);
        shell.writeMetrics(copy, nbd.counters(), out);
    }

    /**
     * Starts the background rebuild of an array pool's members (none for a single pool, or a platform that gives no
     * threads of their own): throttled against client writes, and only while the epoch lease holds.
     */
    private AgentRunner startRebuild()
    {
        final PoolArrays arrays = shell.pool().arrays();
        if (null == arrays || !ctx.platform().threadsOfItsOwn())
        {
            return null;
        }
        final RebuildAgent agent = new RebuildAgent(arrays.arrays().values(), ctx.nanoClock(),
            () -> !fenced && epochLease.holds(ctx.nanoClock().nanoTime()),
            ctx.rebuildMinRate(), ctx.rebuildMaxRate());
        final AgentRunner runner = new AgentRunner(new SleepingMillisIdleStrategy(1), shell.errors(), null, agent);
        AgentRunner.startOnThread(runner);
        return runner;
    }

    /**
     * @return the pool this controller writes.
     */
    Pool pool()
    {
        return shell.pool();
    }

    public int nbdPort()
    {
        return nbd.port();
    }

    public int controlPort()
    {
        return controlPort;
    }

    public boolean isFenced()
    {
        return fenced;
    }

    public ControllerContext context()
    {
        return ctx;
    }

    /**
     * Stops serving and, unless fenced, takes a last consistency point so the pool holds every write: a stopped
     * primary's pool can be read on its own.
     */
    public void close()
    {
        shell.stopServing();
        if (!fenced && serving && PrimaryMode.GIVEN_BACK != mode)
        {
            try
            {
                new LogReplay(cache, consistencyPoint, ctx.nanoClock()).runConsistencyPoint();
            }
            catch (final RuntimeException ex)
            {
                // the log still holds every write the pool may lack: the next start replays it
            }
        }
        CloseHelper.quietClose(rebuild);
        CloseHelper.quietClose(nbd);
        if (fenced || handedOver)
        {
            // the role that follows (secondary) does not use the sender's ports: the platform closes it meanwhile
            ctx.platform().release(interconnect);
        }
        else
        {
            CloseHelper.quietClose(interconnect);
        }
        CloseHelper.quietCloseAll(consistencyPoint, cache, exitWatch);
        shell.releaseLog(log);
        shell.close();
    }

    private final class CheckpointListener implements ConsistencyPointListener
    {
        public void onComplete(
            final ConsistencyPoint.Reason reason, final long cpLsn, final int pagesDestaged, final long durationNs)
        {
            if (null != writePath)
            {
                writePath.submitCheckpointMarker(cpLsn);
                writePath.poolFull(false);
            }
        }

        public void onFailed(final ConsistencyPoint.Reason reason, final CpFailure failure, final Throwable error)
        {
            errors.onError(error);
            if (null != writePath)
            {
                writePath.poolFull(CpFailure.POOL_FULL == failure);
            }
            final ConsistencyPoint current = consistencyPoint;
            if (null != current && current.isExhausted())
            {
                ctx.health().fail(FatalFault.POOL_IO, error);
            }
        }

        public void onFenced(final long fencedEpoch)
        {
            fenced = true;
        }
    }

    /**
     * A pool change run on the housekeeping thread for the agent, which polls it once per duty cycle: the agent
     * never blocks on the pool.
     */
    private enum TaskOutcome
    {
        NONE, RUNNING, DONE, REFUSED, FAILED
    }

    /**
     * The controller's duty cycle: the NBD server, the interconnect, the write path, consistency points, and
     * the {@link PrimaryMode} state machine.
     */
    private final class PrimaryAgent implements Agent
    {
        private static final int SYNC_RECORD = 0;
        private static final int SYNC_START = 1;
        private static final int SYNC_AWAIT_PARTNER = 2;
        private static final int SYNC_RECORD_IN_SYNC = 3;

        private final long cpIntervalNs = TimeUnit.MILLISECONDS.toNanos(ctx.cpIntervalMs());
        private final long retryNs = TimeUnit.MILLISECONDS.toNanos(Math.max(100, ctx.heartbeatIntervalMs()));
        private long lastCpNs = ctx.nanoClock().nanoTime();
        private long nextStatusNs;
        private long noPathSinceNs = -1;
        private int stage;
        private int syncStage = poolSyncing ? SYNC_START : SYNC_RECORD;
        private long sessionPartnerRunId;
        private int lastLiveMask = -1;
        private long retryAtNs;
        private long givebackDeadlineNs;
        /** A giveback's first CP, taken while clients still write, is not done yet. */
        private boolean givebackPreCp;
        /** When the giveback began, its quiesce began (its first CP done) and its hand-over began; 0: not yet. */
        private long givebackStartNs;
        private long givebackQuiesceNs;
        private long givebackHandOverNs;
        private PrimaryMode staleFrom;
        private boolean staleRecorded;
        private long aloneTicket;
        private java.util.concurrent.Future<Boolean> task;
        private Throwable taskFailure;

        public int doWork()
        {
            final long nowNs = ctx.nanoClock().nanoTime();
            int work = nbd.invoker().invoke();
            work += interconnect.invoker().invoke();
            if (fenced && !mode.isFinal())
            {
                transition(PrimaryTransition.FENCED_BY_PARTNER);
            }
            if (mode.isFinal())
            {
                nbd.serviceAddress(null);
                nbd.refuseIo(true);
                writePath.refuse(WriteStatus.SHUT_DOWN);
                return work;
            }
            if (null != log.device().invoker())
            {
                work += log.device().invoker().invoke();
            }
            work += writePath.doWork(nowNs);
            if (null != log.device().invoker())
            {
                work += log.device().invoker().invoke();
            }
            work += consistencyPoint.doWork(nowNs);
            work += modes(nowNs);
            if (PrimaryMode.MIRRORED == mode || PrimaryMode.DEGRADED == mode || PrimaryMode.SYNCING == mode)
            {
                work += checkpoints(nowNs);
            }
            if (nowNs >= nextStatusNs)
            {
                nextStatusNs = nowNs + TimeUnit.MILLISECONDS.toNanos(100);
                journalPaths();
                capture(nowNs);
            }
            return work;
        }

        private void transition(final PrimaryTransition change)
        {
            if (!change.leaves(mode))
            {
                throw new IllegalStateException(change + " cannot leave " + mode);
            }
            journal("primary", mode + " -> " + change.to() + ": " + change.why());
            mode = change.to();
            lastTransition = change;
            transitions++;
            if (mode.isFinal())
            {
                shell.roleEnding();
            }
        }

        private int modes(final long nowNs)
        {
            switch (mode)
            {
                case SYNCING:
                    return syncing(nowNs);
                case MIRRORED:
                    return mirrored(nowNs);
                case RECORDING_STALE:
                    return recordingStale(nowNs);
                case DEGRADED:
                    // a path still counted live for a moment after the partner's exit is not the partner back
                    if (sender.hasLivePath() && !partnerExited)
                    {
                        writePath.hold(true);
                        stage = 0;
                        transition(PrimaryTransition.PARTNER_BACK);
                        return 1;
                    }
                    return 0;
                case RESYNC:
                    return resync(nowNs);
                case GIVEBACK:
                    return giveback(nowNs);
                default:
                    return 0;
            }
        }

        private void submit(final java.util.concurrent.Callable<Boolean> change)
        {
            taskFailure = null;
            task = housekeeping.submit(change);
        }

        private TaskOutcome poll()
        {
            final java.util.concurrent.Future<Boolean> current = task;
            if (null == current)
            {
                return TaskOutcome.NONE;
            }
            if (!current.isDone())
            {
                return TaskOutcome.RUNNING;
            }
            task = null;
            try
            {
                if (current.get())
                {
                    return TaskOutcome.DONE;
                }
                fenced = true; // every pool change refuses only when the pool's epoch moved on
                return TaskOutcome.REFUSED;
            }
            catch (final java.util.concurrent.ExecutionException ex)
            {
                taskFailure = ex.getCause();
                journal("primary", mode + ": a pool change failed, tried again in " +
                    TimeUnit.NANOSECONDS.toMillis(retryNs) + " ms: " + taskFailure);
                return TaskOutcome.FAILED;
            }
            catch (final InterruptedException | java.util.concurrent.CancellationException ex)
            {
                taskFailure = ex;
                return TaskOutcome.FAILED;
            }
        }

        /**
         * @return true once the mirror is lost: at once if the partner's process exited (its acks can never come);
         * else once no path has been up for the grace time, under policy continue, or under suspend if the partner
         * is gone too (no fresh heartbeat).
         */
        private boolean mirrorLost(final long nowNs)
        {
            if (partnerExited && nowNs >= retryAtNs)
            {
                return true;
            }
            if (sender.hasLivePath())
            {
                noPathSinceNs = -1;
                return false;
            }
            if (-1 == noPathSinceNs)
            {
                noPathSinceNs = nowNs;
            }
            // suspend holds writes for a partner that is alive but cut off; one that is gone is mirrored no more
            return (ControllerContext.MirrorLossPolicy.CONTINUE == ctx.mirrorLossPolicy() || partnerGone) &&
                nowNs >= retryAtNs &&
                nowNs - noPathSinceNs >= TimeUnit.MILLISECONDS.toNanos(ctx.mirrorLossGraceMs());
        }

        private boolean partnerRestarted()
        {
            final long run = partnerRunId;
            if (0 == run)
            {
                return false;
            }
            if (0 == sessionPartnerRunId)
            {
                sessionPartnerRunId = run;
                return false;
            }
            return run != sessionPartnerRunId;
        }

        private int loseMirror(final long nowNs)
        {
            staleFrom = mode;
            transition(PrimaryTransition.MIRROR_LOST);
            final long current = epoch;
            submit(() -> ownership.recordMirrorState(current, MirrorState.STALE, 0));
            return 1;
        }

        /**
         * Establishes this epoch's mirror generation: record that the pool alone holds every acknowledged write,
         * open the generation on every stream, wait for the partner to hold it, record it in sync.
         */
        private int syncing(final long nowNs)
        {
            if (SYNC_AWAIT_PARTNER >= syncStage && mirrorLost(nowNs) && null == task)
            {
                return loseMirror(nowNs);
            }
            switch (syncStage)
            {
                case SYNC_RECORD:
                {
                    switch (poll())
                    {
                        case DONE:
                            syncStage = SYNC_START;
                            return 1;
                        case FAILED:
                            retryAtNs = nowNs + retryNs;
                            return 1;
                        case NONE:
                            if (nowNs < retryAtNs)
                            {
                                return 0;
                            }
                            final long current = epoch;
                            submit(() -> ownership.recordMirrorState(current, MirrorState.SYNCING, 0));
                            return 1;
                        default:
                            return 0; // still running, or refused: the controller was fenced
                    }
                }
                case SYNC_START:
                    writePath.startGeneration(epoch);
                    sessionPartnerRunId = partnerRunId;
                    syncStage = SYNC_AWAIT_PARTNER;
                    return 1;
                case SYNC_AWAIT_PARTNER:
                    if (partnerRestarted())
                    {
                        return restartResync();
                    }
                    if (writePath.generationAcknowledged())
                    {
                        final long current = epoch;
                        submit(() -> ownership.recordMirrorState(current, MirrorState.IN_SYNC, current));
                        syncStage = SYNC_RECORD_IN_SYNC;
                        return 1;
                    }
                    return 0;
                default:
                {
                    final TaskOutcome outcome = poll();
                    if (TaskOutcome.DONE == outcome)
                    {
                        writePath.hold(false);
                        transition(PrimaryTransition.GENERATION_HELD);
                        if (null != ctx.journal())
                        {
                            ctx.journal().note("primary", "mirror generation " + epoch + " in sync");
                        }
                        return 1;
                    }
                    if (TaskOutcome.FAILED == outcome)
                    {
                        syncStage = SYNC_AWAIT_PARTNER;
                        return 1;
                    }
                    return 0;
                }
            }
        }

        private int restartResync()
        {
            writePath.hold(true);
            stage = 0;
            sessionPartnerRunId = 0;
            transition(PrimaryTransition.PARTNER_RESTARTED);
            return 1;
        }

        private int mirrored(final long nowNs)
        {
            if (givebackRequested)
            {
                givebackRequested = false;
                stage = 0;
                givebackPreCp = true;
                givebackDeadlineNs = nowNs + TimeUnit.MILLISECONDS.toNanos(ctx.givebackTimeoutMs());
                givebackStartNs = nowNs;
                givebackQuiesceNs = 0;
                givebackHandOverNs = 0;
                transition(PrimaryTransition.GIVEBACK_REQUESTED);
                return 1;
            }
            if (partnerRestarted())
            {
                return restartResync();
            }
            if (0 != log.ackedAloneEpoch())
            {
                // mirrored again after a resync: the pool and the mirror hold everything this log acknowledged
                log.recordAckedAlone(0);
            }
            if (mirrorLost(nowNs))
            {
                return loseMirror(nowNs);
            }
            return 0;
        }

        private int recordingStale(final long nowNs)
        {
            if (staleRecorded)
            {
                // the log says it may hold the last copy of what it acknowledges now, before the first such ack
                if (0 == aloneTicket && (aloneTicket = Math.max(0, log.recordAckedAlone(epoch))) == 0 ||
                    !log.isDurable(aloneTicket))
                {
                    return 0;
                }
                aloneTicket = 0;
                staleRecorded = false;
                writePath.runWithoutMirror(epoch);
                writePath.hold(false); // from SYNCING, writes were held for a generation that will not come
                transition(PrimaryTransition.STALE_RECORDED);
                return 1;
            }
            final TaskOutcome outcome = poll();
            if (TaskOutcome.DONE == outcome)
            {
                staleRecorded = true;
                return 1;
            }
            if (TaskOutcome.FAILED == outcome)
            {
                retryAtNs = nowNs + retryNs;
                if (PrimaryMode.SYNCING == staleFrom)
                {
                    writePath.hold(true);
                    stage = 0;
                    transition(PrimaryTransition.STALE_RECORD_FAILED_SYNCING);
                }
                else
                {
                    transition(PrimaryTransition.STALE_RECORD_FAILED);
                }
                return 1;
            }
            return 0;
        }

        /**
         * A consistency point puts every applied write in the pool, then a new epoch starts the new generation.
         */
        private int resync(final long nowNs)
        {
            switch (stage)
            {
                case 0:
                case 1:
                    // the CP covers every applied write, those waiting for the old session's acks included
                    if (nowNs < retryAtNs || !checkpointed(true))
                    {
                        return 0;
                    }
                    writePath.forgetMirrorAcks();
                    final long current = epoch;
                    submit(() ->
                    {
                        final long next = ownership.startGeneration(ctx.controllerId(), current);
                        if (next > 0)
                        {
                            epoch = next;
                        }
                        return next > 0;
                    });
                    stage = 2;
                    return 1;
                default:
                {
                    final TaskOutcome outcome = poll();
                    if (TaskOutcome.FAILED == outcome)
                    {
                        retryAtNs = nowNs + retryNs;
                        stage = 0;
                        return 1;
                    }
                    if (TaskOutcome.DONE != outcome)
                    {
                        return 0;
                    }
                    startMirrorSession(epoch);
                    if (null != ctx.journal())
                    {
                        ctx.journal().epochChange(epoch, "resync");
                    }
                    syncStage = SYNC_START;
                    noPathSinceNs = -1;
                    transition(PrimaryTransition.GENERATION_STARTED);
                    return 1;
                }
            }
        }

        private int giveback(final long nowNs)
        {
            if (stage < 2 && (nowNs >= givebackDeadlineNs || !sender.hasLivePath()))
            {
                // writes in flight wait for the partner's acks: with no path they cannot finish before the
                // deadline, and the mirror-loss policy (not a giveback) decides what happens to them
                nbd.refuseIo(false);
                nbd.serviceAddress(ctx.serviceAddress());
                transition(sender.hasLivePath() ? PrimaryTransition.GIVEBACK_ABORTED :
                    PrimaryTransition.GIVEBACK_PATHS_LOST);
                givebackTimed(false, nowNs);
                return 1;
            }
            if (givebackPreCp)
            {
                // a first CP while clients still write: the last one, with writes refused, has little left to do
                if (!checkpointed(true))
                {
                    return 0;
                }
                givebackPreCp = false;
                givebackQuiesceNs = nowNs;
                stage = 0;
                nbd.refuseIo(true);
                return 1;
            }
            switch (stage)
            {
                case 0:
                case 1:
                    if (!checkpointed(writePath.isQuiet()))
                    {
                        return 0;
                    }
                    if (ServiceAddressState.BOUND == nbd.serviceAddressState() ||
                        ServiceAddressState.BUSY == nbd.serviceAddressState())
                    {
                        // let go of the volume's address before the partner may take the pool, and so bind it
                        nbd.serviceAddress(null);
                        return 1;
                    }
                    final long current = epoch;
                    submit(() ->
                    {
                        // this controller keeps its own epoch, which the handed one fences: nothing it may still
                        // have under way can write the pool its partner serves at the handed epoch
                        final boolean handed = ownership.handOver(current, ctx.partnerId()) > 0;
                        handedOver = handed; // the heartbeat does not take the newer epoch for a fence
                        return handed;
                    });
                    stage = 2;
                    givebackHandOverNs = nowNs;
                    return 1;
                default:
                {
                    final TaskOutcome outcome = poll();
                    if (TaskOutcome.DONE == outcome)
                    {
                        transition(PrimaryTransition.GAVE_BACK);
                        givebackTimed(true, nowNs);
                        return 1;
                    }
                    if (TaskOutcome.FAILED == outcome)
                    {
                        stage = 0; // tried again until the deadline
                        return 1;
                    }
                    return 0;
                }
            }
        }

        /**
         * Tells the process's telemetry how long each step of the giveback that just ended took (a step it did not
         * reach is 0), allocating nothing.
         */
        private void givebackTimed(final boolean handedOver, final long nowNs)
        {
            if (null == ctx.telemetry())
            {
                return;
            }
            final long quiesceStartNs = 0 == givebackQuiesceNs ? nowNs : givebackQuiesceNs;
            final long handOverStartNs = 0 == givebackHandOverNs ? nowNs : givebackHandOverNs;
            ctx.telemetry().failovers().giveback(handedOver, quiesceStartNs - givebackStartNs,
                0 == givebackQuiesceNs ? 0 : handOverStartNs - givebackQuiesceNs,
                0 == givebackHandOverNs ? 0 : nowNs - givebackHandOverNs, nowNs - givebackStartNs);
        }

        /**
         * Stages 0 and 1 of a resync or a giveback: start a consistency point once {@code mayStart}, then wait
         * for it; one that fails is started again.
         *
         * @return true once it is done.
         */
        private boolean checkpointed(final boolean mayStart)
        {
            if (0 == stage)
            {
                if (mayStart && !consistencyPoint.isRunning() &&
                    consistencyPoint.start(ConsistencyPoint.Reason.COMMAND))
                {
                    stage = 1;
                    journal(mode.name().toLowerCase(), "taking a consistency point");
                }
                return false;
            }
            if (consistencyPoint.isRunning())
            {
                return false;
            }
            if (ConsistencyPoint.State.DONE != consistencyPoint.state())
            {
                stage = 0;
                return false;
            }
            return true;
        }

        private void journalPaths()
        {
            final int live = sender.liveMask();
            if (live != lastLiveMask && null != ctx.journal())
            {
                for (int path = 0; path < ctx.pathCount(); path++)
                {
                    final int bit = 1 << path;
                    if (-1 == lastLiveMask || (live & bit) != (lastLiveMask & bit))
                    {
                        if (0 != (live & bit))
                        {
                            ctx.journal().pathUp(path, "heard from the partner");
                        }
                        else
                        {
                            ctx.journal().pathDown(path, pulled[path] ? "pulled" : sender.downCause(path).description());
                        }
                    }
                }
            }
            lastLiveMask = live;
        }

        private int checkpoints(final long nowNs)
        {
            if (consistencyPoint.isRunning())
            {
                return 0;
            }
            final boolean sealedAwaitsCheckpoint = sealedHalfAwaitsCheckpoint();
            ConsistencyPoint.Reason reason = null;
            if (checkpointRequested)
            {
                checkpointRequested = false;
                reason = checkpointCommanded ? ConsistencyPoint.Reason.COMMAND : requestedCheckpoint;
                checkpointCommanded = false;
            }
            else if (sealedAwaitsCheckpoint)
            {
                reason = ConsistencyPoint.Reason.LOG_HALF_FULL;
            }
            else if (nowNs - lastCpNs >= cpIntervalNs && writePath.lastLsn() > consistencyPoint.lastCpLsn())
            {
                reason = ConsistencyPoint.Reason.TIMER;
            }
            if (null != reason && consistencyPoint.start(reason))
            {
                lastCpNs = nowNs;
                return 1;
            }
            return 0;
        }

        /**
         * Releases the sealed log half once a consistency point has put its writes in the pool and the mirror
         * will send none of its records again (they are acknowledged; until then a resend reads them there).
         *
         * @return true if a sealed half holds writes above the last consistency point: another is needed.
         */
        private boolean sealedHalfAwaitsCheckpoint()
        {
            final int sealed = log.sealedHalf();
            if (-1 == sealed)
            {
                return false;
            }
            if (log.maxLsn(sealed) > consistencyPoint.lastCpLsn())
            {
                return true;
            }
            if (!writePath.mirrorReads(sealed))
            {
                log.release(sealed); // back-pressured: tried again on the next duty cycle
            }
            return false;
        }

        public String roleName()
        {
            return "tandem-primary-" + ctx.controllerId();
        }
    }

    /**
     * Copies the agent's state into the published snapshot: on the agent, every 100 ms, allocating nothing.
     */
    private void capture(final long nowNs)
    {
        final PrimarySnapshot out = published;
        out.beginWrite();
        out.role = fenced ? "fenced" : PrimaryMode.GIVEN_BACK == mode ? "gave-back" : "primary";
        out.mode = mode;
        out.lastTransition = lastTransition;
        out.transitions = transitions;
        out.epoch = epoch;
        out.intakeHolds = nbd.counters().intakeHolds();
        out.serviceState = nbd.serviceAddressState();
        out.serviceRefusal = nbd.serviceAddressRefusal();
        out.liveMask = sender.liveMask();
        System.arraycopy(pulled, 0, out.pulled, 0, pulled.length);
        for (int stream = 0; stream < out.streamSent.length; stream++)
        {
            out.streamSent[stream] = writePath.nextSequence(stream) - 1;
            out.streamAcked[stream] = sender.ackedSequence(stream);
            out.streamPath[stream] = sender.pathOf(stream);
        }
        out.nvlogFill = log.fill();
        out.nvramResident = null != log.device().residentSegment();
        out.activeHalf = log.activeHalf();
        out.sealedHalf = log.sealedHalf();
        out.lsn = writePath.lastLsn();
        out.cpLsn = consistencyPoint.lastCpLsn();
        out.cpCount = consistencyPoint.completedCount();
        out.cpState = consistencyPoint.state();
        out.cpReason = consistencyPoint.reason();
        out.cpRunning = consistencyPoint.isRunning();
        out.cpPages = consistencyPoint.pagesOfRunningCp();
        out.cpPagesLeft = consistencyPoint.pagesToDestage();
        out.cpLastDurationMs = consistencyPoint.lastDurationNs() / 1_000_000;
        out.cpFailed = consistencyPoint.failedCount();
        out.cpLastFailure = consistencyPoint.lastFailure();
        out.cpFailuresInARow = consistencyPoint.failuresInARow();
        out.cpLastError = consistencyPoint.lastError();
        out.cpRetryInMs = Math.max(0, (consistencyPoint.retryAtNs() - nowNs) / 1_000_000);
        out.dirtyPages = cache.dirtyPages();
        out.writesCompleted = writePath.writesCompleted();
        out.writesBytes = writePath.bytesWritten();
        out.writesPending = writePath.pendingCount();
        out.writesInFlight = writePath.inFlightCount();
        out.stalledOn = writePath.stalledOn();
        out.readsCompleted = writePath.readsCompleted();
        final org.HdrHistogram.Histogram latency = writePath.writeLatencyUs();
        out.latencyP50Us = latency.getValueAtPercentile(50);
        out.latencyP99Us = latency.getValueAtPercentile(99);
        out.latencyP999Us = latency.getValueAtPercentile(99.9);
        out.writesFailedNoSpace = writePath.writesFailedNoSpace();
        out.generation = writePath.generation();
        out.pathCounters.capture(sender.counters());
        out.endWrite();
    }

    /**
     * Renders the status the agent last captured, with the health and the error log, on the caller's thread.
     */
    private String render(final boolean json)
    {
        final PrimarySnapshot copy = new PrimarySnapshot(pulled.length, published.streamSent.length);
        copy.copyFrom(published);
        return shell.renderStatus(copy, json);
    }
}
