package io.tandem.secondary;

import io.tandem.controller.AgentIdling;
import io.tandem.controller.ControllerContext;
import io.tandem.controller.ControllerShell;
import io.tandem.controller.metrics.MetricsWriter;
import io.tandem.controller.metrics.RoleMetrics;
import io.tandem.controller.nbd.NbdFrontEnd;
import io.tandem.controller.nbd.NbdServerContext;
import io.tandem.controller.pool.Mailbox;
import io.tandem.controller.pool.MailboxFile;
import io.tandem.controller.pool.MirrorState;
import io.tandem.controller.pool.Ownership;
import io.tandem.controller.pool.Pool;
import io.tandem.controller.pool.Superblock;
import io.tandem.interconnect.InterconnectContext;
import io.tandem.interconnect.MirrorLink;
import io.tandem.interconnect.MirrorReceiver;
import io.tandem.nvlog.NvLog;
import io.tandem.nvlog.NvLogContext;
import io.tandem.recovery.journal.EventJournalReader;
import io.tandem.secondary.takeover.RevertedFixes;
import io.tandem.secondary.takeover.Takeover;
import io.tandem.secondary.takeover.TakeoverContext;
import io.tandem.secondary.takeover.TakeoverDecision;
import io.tandem.secondary.takeover.TakeoverInputs;
import io.tandem.secondary.takeover.TakeoverRequest;
import io.tandem.secondary.takeover.TakeoverResult;
import io.tandem.secondary.takeover.TakeoverVerdict;
import io.tandem.staging.NvramDevice;
import org.agrona.CloseHelper;
import org.agrona.concurrent.Agent;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The secondary role: keeps the mirror of the primary's NVLog in its own NVRAM, acknowledges each record once it
 * is durable there, watches the primary on every interconnect path and through its mailbox on the pool, and
 * exports the volume on its own NBD port while refusing I/O until it takes over.
 * <p>
 * A mirror session belongs to one epoch of the primary: the receiver refuses frames of any other. When the pool
 * shows the primary took it at a new epoch (it restarted, replayed its own log and put everything in the pool),
 * the secondary ends the session, discards its mirror (nothing in it is newer than the pool) and starts a new one.
 * <p>
 * Threads, decided here: the controller's agent (NBD server, interconnect receiver, mirror store; with
 * {@code agentIdle} SELECT also the Aeron media driver and, at durability process, the NVRAM flusher, the agent
 * sleeping on its sockets when idle), the NVRAM flusher at durability power, the media driver with
 * {@code agentIdle} BACKOFF, a housekeeping thread (mailbox heartbeat, reading the pool and the partner's mailbox)
 * and the control port's thread.
 * <p>
 * Thread-safe: {@link #status()}, {@link #pull(int)}, {@link #restore(int)}, {@link #close()} from any thread.
 */
public final class SecondaryController implements AutoCloseable, RoleMetrics
{
    /** How long a takeover that took the pool but failed on the pool's I/O waits before it tries again. */
    private static final long TAKEOVER_RETRY_NS = TimeUnit.SECONDS.toNanos(1);

    private final ControllerContext ctx;
    private final PrintStream progress;
    private final ControllerShell shell;
    /** A mirror session that could not start is tried again this much later. */
    private static final long SESSION_RETRY_NS = TimeUnit.MILLISECONDS.toNanos(100);

    private final io.tandem.controller.platform.PartnerExitWatch exitWatch;
    /** The NVLog between sessions: open, as the last session left it. */
    private final io.tandem.controller.NvLogKeeper keptLog = new io.tandem.controller.NvLogKeeper();
    private final Pool pool;
    private final NbdFrontEnd nbd;
    private final AgentIdling agentIdle;
    private int controlPort;
    private volatile PartnerView partner = PartnerView.NONE;
    private final SecondarySnapshot published;
    private final SecondaryModes modes = new SecondaryModes();
    private volatile Session session;
    private final boolean[] pulled;
    private volatile boolean takeoverRequested;
    private volatile boolean takeoverForced;
    private volatile boolean takingOver;
    private volatile boolean wasInSync;
    /** The takeover running now, for its progress; null when none runs. */
    private volatile Takeover runningTakeover;
    /** Takeovers started, and refused when they were to start, in this controller's life as secondary. */
    private long takeoversStarted;
    private long takeoversRefused;
    private volatile String takeoverOutcome = "";
    private volatile Handover handover;
    private volatile TakeoverVerdict verdict;
    private volatile boolean takeoverFailed;
    private volatile boolean everMirrored;
    private volatile boolean resumeAttempted;
    private volatile Session failedMirror;
    /** When a takeover that took the pool but failed on its I/O tries again by itself; 0 for never. */
    private volatile long retryTakeoverAtNs;

    private SecondaryController(final ControllerContext ctx, final PrintStream progress) throws IOException
    {
        this.ctx = ctx;
        this.shell = ControllerShell.open(ctx);
        this.agentIdle = shell.agentIdle();
        this.pool = shell.pool();
        this.progress = progress;
        this.pulled = new boolean[ctx.pathCount()];
        this.exitWatch = shell.newPartnerExitWatch();
        this.published = new SecondarySnapshot(ctx.pathCount(), ctx.newInterconnect(0).streamCount());
        published.controllerId = ctx.controllerId();
        published.agentIdle = ctx.agentIdle().name().toLowerCase();
        NbdFrontEnd nbd = null;
        try
        {
            nbd = ctx.platform().launchFrontEnd(new NbdServerContext().bindAddress(ctx.bindAddress())
                .port(ctx.nbdPort())
                .useAgentInvoker(true).refuseIo(true).volume(new StandbyVolume(ctx.volumeSize()))
                .channelWatcher(agentIdle.watcher())
                .exportDescription("tandem controller " + ctx.controllerId() + " (secondary)"));
            this.nbd = nbd;
            published.nbd = ctx.bindAddress() + ":" + nbd.port();
            shell.heartbeat(this::watch, exitWatch);
            // between heartbeats the superblock alone is read (ctx.poolWatchMs, 5 ms), so that a pool handed over
            // or taken is noticed in milliseconds: reading 4 KiB of a file 200 times a second costs next to nothing
            shell.housekeeping().scheduleWithFixedDelay(this::watchPool, ctx.poolWatchMs(), ctx.poolWatchMs(),
                TimeUnit.MILLISECONDS);
            shell.start(new SecondaryAgent());
            this.controlPort = shell.serveControl(new SecondaryControlHandler(this));
            progress.println("controller " + ctx.controllerId() + ": secondary on nbd://" + ctx.bindAddress() + ":" +
                nbd.port() + " (refusing I/O until takeover; control port " + controlPort + ")");
        }
        catch (final IOException | RuntimeException ex)
        {
            shell.stopServing();
            CloseHelper.quietCloseAll(nbd, exitWatch);
            shell.close();
            throw ex;
        }
    }

    public static SecondaryController launch(final ControllerContext ctx, final PrintStream progress)
        throws IOException
    {
        ctx.conclude();
        return new SecondaryController(ctx, progress);
    }

    private void watch()
    {
        try
        {
            final Session current = session;
            if (!ctx.health().mayBeat(null == current ? null : current.log.device().failure()))
            {
                return; // a controller that cannot do its job goes silent
            }
            shell.mailbox().beat(ctx.controllerId(), MailboxFile.ROLE_SECONDARY, null == current ? 0 : current.epoch,
                null == current ? 0 : current.store.heldGeneration(), ctx.epochClock().time());
            // the exit is looked at before the superblock: a partner that handed the pool over and then exited
            // wrote the handover before it exited, so this read sees it, and the decision a giveback, not a takeover
            final Mailbox partnerBox = shell.partnerMailbox().read();
            final boolean exited = null != partnerBox && exitWatch.exited(partnerBox.run());
            final Superblock superblock = pool.superblocks().read();
            final long nowMs = ctx.epochClock().time();
            partner = new PartnerView(
                superblock.epoch(),
                superblock.owner(),
                superblock.mirrorState(),
                superblock.mirrorGeneration(),
                superblock.cpLsn(),
                null == partnerBox ? -1 : Math.max(0, nowMs - partnerBox.heartbeatMs()),
                null == partnerBox ? MailboxFile.ROLE_NONE : partnerBox.role(),
                null == partnerBox ? -1 : partnerBox.pid(),
                exited);
        }
        catch (final IOException | RuntimeException ex)
        {
            // the pool may be briefly unreadable (a superblock being replaced); the next look will do
        }
    }

    /**
     * Reads the superblock alone; if its owner or epoch moved since the last heartbeat, beats now and wakes the
     * agent, which decides on the new view at once.
     */
    private void watchPool()
    {
        try
        {
            final Superblock superblock = pool.superblocks().read();
            final PartnerView view = partner;
            if (superblock.epoch() != view.poolEpoch() || superblock.owner() != view.poolOwner())
            {
                watch();
                agentIdle.wake();
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            // the pool may be briefly unreadable (a superblock being replaced); the next look will do
        }
    }

    public void pull(final int path)
    {
        pulled[path] = true;
        final Session current = session;
        if (null != current)
        {
            current.interconnect.pull(path);
        }
    }

    public void restore(final int path)
    {
        pulled[path] = false;
        final Session current = session;
        if (null != current)
        {
            current.interconnect.restore(path);
        }
    }

    public String status()
    {
        return render(false);
    }

    /**
     * @return the status as one flat JSON object: the same typed fields as {@link #status()}, with the takeover
     * verdict's kind and reason.
     */
    public String statusJson()
    {
        return render(true);
    }

    /**
     * Asks for a takeover now (`tandem ctl takeover`). Unforced, it goes ahead only where an automatic one would
     * (the partner is gone and nothing acknowledged is lost), so it is refused at once otherwise; {@code force}
     * takes over even from a live primary or a mirror the pool does not vouch for.
     *
     * @return why it is refused, or null if it was started.
     */
    public String requestTakeover(final boolean force)
    {
        if (!force)
        {
            final TakeoverVerdict current = verdict;
            if (null == current || !current.acts())
            {
                return null == current ? "the controller is starting" : current.describe();
            }
        }
        takeoverForced = force;
        takeoverRequested = true;
        return null;
    }

    /**
     * @return the takeover decision as last made on the agent (every 100 ms), or null before the first.
     */
    public TakeoverVerdict verdict()
    {
        return verdict;
    }

    /**
     * @return why this controller should now serve the volume as primary, or null while it should not: it took
     * over, or its partner gave the volume back to it.
     */
    public Handover handover()
    {
        return handover;
    }

    /**
     * @return true once this secondary has held the primary's mirror in sync (mode {@code IN_SYNC}): its mirror
     * session and everything it loads are up, and it could take over without loss.
     */
    public boolean wasInSync()
    {
        return wasInSync;
    }

    public ControllerContext context()
    {
        return ctx;
    }

    public int nbdPort()
    {
        return nbd.port();
    }

    public int controlPort()
    {
        return controlPort;
    }

    /**
     * @return the epoch of the mirror session, 0 while there is none.
     */
    public long sessionEpoch()
    {
        final Session current = session;
        return null == current ? 0 : current.epoch;
    }

    public void close()
    {
        shell.stopServing();
        final Session current = session;
        if (null != current)
        {
            current.close();
        }
        final Session failed = failedMirror;
        if (null != failed)
        {
            failed.close();
        }
        CloseHelper.quietCloseAll(nbd, exitWatch);
        shell.releaseLog(keptLog.take(ctx.newInterconnect(0).streamCount()));
        keptLog.close();
        shell.close();
    }



    /**
     * One epoch's mirror: the receiver endpoint and the log it fills.
     */
    private final class Session implements AutoCloseable
    {
        final long epoch;
        final NvLog log;
        final MirrorStore store;
        final MirrorLink interconnect;
        final MirrorReceiver receiver;
        /** The interconnect was handed to the platform to close (a takeover): this session closes it no more. */
        volatile boolean released;

        Session(final long epoch) throws IOException
        {
            this.epoch = epoch;
            final Path nvram = shell.nvramFile();

            final InterconnectContext interconnectCtx = ctx.newInterconnect(epoch, false, agentIdle.watcher());
            NvLog log = null;
            MirrorLink interconnect = null;
            try
            {
                log = takeLog(nvram, interconnectCtx.streamCount());
                log.epoch(epoch);
                this.store = new MirrorStore(log, log.device().maxPendingWrites(),
                    new KeptLog(ctx.controllerDir(), ctx.journal()), ctx.epochClock());
                interconnect = ctx.platform().launchReceiver(interconnectCtx.recordSink(store));
                for (int path = 0; path < pulled.length; path++)
                {
                    if (pulled[path])
                    {
                        interconnect.pull(path);
                    }
                }
            }
            catch (final IOException | RuntimeException ex)
            {
                CloseHelper.quietClose(interconnect);
                if (null != log)
                {
                    keptLog.keep(log); // as it was: the next attempt takes it, rather than reloading the device
                }
                throw ex;
            }
            this.log = log;
            this.interconnect = interconnect;
            this.receiver = interconnect.receiver();
            store.receiver(receiver);
        }

        /**
         * This controller's NVLog as it is: kept open from the session before, or from the role before, or opened
         * from the NVRAM device. What it holds stays until the primary opens a new mirror
         * generation in it (the pool then holds every acknowledged write, see {@link MirrorStore}), so a restarted
         * secondary whose log holds the generation the pool vouches for can still take over from it. The device
         * file is reused (re-creating it means zero-filling it); one that cannot be opened as this controller's
         * log is replaced.
         */
        private NvLog takeLog(final Path nvram, final int streams) throws IOException
        {
            NvLog log = keptLog.take(streams);
            if (null == log)
            {
                log = shell.keptLog(streams);
            }
            if (null == log)
            {
                log = openMirrorLog(nvram, streams);
            }
            if (RevertedFixes.MIRROR_GENERATIONS)
            {
                log.discardAll(); // as before mirror generations: each session started from an empty log
            }
            return log;
        }

        /**
         * Opens this controller's NVRAM as it is; see {@link #takeLog}.
         */
        private NvLog openMirrorLog(final Path nvram, final int streams) throws IOException
        {
            final NvLogContext logCtx = shell.nvlogContext(streams);
            try
            {
                final NvLog log = NvLog.open(logCtx);
                progress.println("controller " + ctx.controllerId() + ": " + ControllerShell.nvramPlace(log.device()));
                return log;
            }
            catch (final IOException ex)
            {
                progress.println("controller " + ctx.controllerId() + ": replacing the NVRAM device: " +
                    ex.getMessage());
                NvramDevice.delete(nvram);
                return NvLog.open(shell.nvlogContext(streams));
            }
        }

        int doWork()
        {
            int work = interconnect.invoker().invoke();
            if (null != log.device().invoker())
            {
                work += log.device().invoker().invoke();
            }
            return work + store.doWork();
        }


        /**
         * Ends the session as {@link #close()} does, but lets the interconnect close meanwhile: for a session no
         * other follows on this controller (it becomes the primary).
         */
        void release()
        {
            releaseLink();
            keptLog.keep(log);
        }

        /**
         * Stops the interconnect at once and lets the platform close it meanwhile
         * ({@link io.tandem.controller.platform.ControllerPlatform#release}).
         */
        void releaseLink()
        {
            if (!released)
            {
                released = true;
                ctx.platform().release(interconnect);
            }
        }

        /**
         * Ends the session: the log stays open, as it stands, for the next session or the next role.
         */
        public void close()
        {
            if (!released)
            {
                CloseHelper.quietClose(interconnect); // at once: the next session binds the same ports
            }
            keptLog.keep(log);
        }
    }

    private final class SecondaryAgent implements Agent
    {
        private long nextStatusNs;
        private long nextSessionAttemptNs;
        private PartnerView decidedView;

        public int doWork()
        {
            final long nowNs = ctx.nanoClock().nanoTime();
            int work = nbd.invoker().invoke();
            final PartnerView view = partner;
            Session current = session;
            if (null != current && view.poolEpoch() != current.epoch)
            {
                progress.println("controller " + ctx.controllerId() + ": the primary took the pool at epoch " +
                    view.poolEpoch() + "; ending the mirror session of epoch " + current.epoch);
                if (view.poolOwner() == ctx.controllerId())
                {
                    // the pool is now this controller's (given back to it): no session follows on the receiver's
                    // ports, and the primary it becomes does not wait for the receiver to close
                    current.release();
                }
                else
                {
                    current.close();
                }
                session = current = null;
            }
            final Session failed = failedMirror;
            if (null != failed && takeoverFailed && !takingOver && null == handover &&
                FailedTakeover.isMoot(failed.epoch, view, ctx.partnerId(), ctx.partnerStaleMs()))
            {
                // the partner serves the pool (again, or still): the failed takeover is moot. The NVLog stays as it
                // is until the next mirror generation empties it.
                progress.println("controller " + ctx.controllerId() + ": controller " + ctx.partnerId() +
                    " serves the pool at epoch " + view.poolEpoch() + ": the takeover that failed is moot; " +
                    "mirroring again");
                failedMirror = null;
                failed.close();
                takeoverFailed = false;
                work++;
            }
            if (null == current && !takingOver && null == handover && null == failedMirror &&
                view.poolOwner() == ctx.partnerId() &&
                nowNs >= nextSessionAttemptNs)
            {
                try
                {
                    session = current = new Session(view.poolEpoch());
                    everMirrored = true;
                    progress.println("controller " + ctx.controllerId() + ": mirroring the primary's epoch " +
                        view.poolEpoch());
                }
                catch (final IOException | RuntimeException ex)
                {
                    // most often the partner, just turned primary, still closes its receiver on the same ports
                    nextSessionAttemptNs = nowNs + SESSION_RETRY_NS;
                    progress.println("controller " + ctx.controllerId() + ": cannot start the mirror session: " + ex);
                }
                work++;
            }
            if (null != current)
            {
                current.store.poolCheckpoint(view.cpLsn());
                work += current.doWork();
            }
            if (null == handover && !takingOver)
            {
                work += handovers(current, view, nowNs);
            }
            work += modes(current, view);
            // an exit the host just reported is decided on now, not at the next status tick
            if (nowNs >= nextStatusNs || (view.partnerExited() && view != decidedView))
            {
                nextStatusNs = nowNs + TimeUnit.MILLISECONDS.toNanos(100);
                decidedView = view;
                capture(current, view);
            }
            return work;
        }

        /**
         * Steps the mode machine with what holds now, and journals the change it makes.
         */
        private int modes(final Session current, final PartnerView view)
        {
            final long held = null == current ? 0 : current.store.heldGeneration();
            final Handover handedOver = handover;
            final SecondaryMode before = modes.mode();
            final SecondaryTransition change = modes.step(null != current,
                MirrorState.IN_SYNC == view.mirrorState() && 0 != held && held == view.mirrorGeneration(),
                takingOver, takeoverFailed && !takingOver, null != handedOver,
                null != handedOver && handedOver.tookOver());
            if (null == change)
            {
                return 0;
            }
            if (SecondaryMode.IN_SYNC == change.to())
            {
                wasInSync = true;
            }
            if (null != ctx.journal())
            {
                ctx.journal().note("secondary", before + " -> " + change.to() + ": " + change.why());
            }
            return 1;
        }

        public String roleName()
        {
            return "tandem-secondary-" + ctx.controllerId();
        }
    }

    /**
     * Starts a takeover when asked to, or when the primary is gone on every path with a stale heartbeat; notices
     * when the partner handed the pool over (giveback).
     */
    private int handovers(final Session current, final PartnerView view, final long nowNs)
    {
        if (view.poolOwner() == ctx.controllerId() && !takeoverFailed)
        {
            if (everMirrored)
            {
                handover = new Handover(false, true, view.poolEpoch(), "controller " + ctx.partnerId() +
                    " gave the volume back at epoch " + view.poolEpoch());
                shell.roleEnding();
                return 1;
            }
            if (!resumeAttempted)
            {
                // this controller owns the pool but never mirrored in this life: it crashed as primary, or part-way
                // through a takeover after its fence took the pool. Either way its NVLog holds what the pool may
                // lack (its own log, or the mirror the takeover was replaying), and its partner was fenced by the
                // epoch it took: it serves as primary, whose start replays that log above the pool's CP. Resuming
                // a takeover instead would scan its own primary's log as a mirror, fail, and serve nothing.
                // Alone (the partner is gone) it serves as after a takeover; with a live partner it resyncs it.
                resumeAttempted = true;
                final boolean partnerGone = view.heartbeatAgeMs() < 0 || view.heartbeatAgeMs() > ctx.partnerStaleMs();
                handover = new Handover(partnerGone, false, view.poolEpoch(), "this controller owns the pool at " +
                    "epoch " + view.poolEpoch() + " but has not served it since it started: finishing the takeover " +
                    "it had begun, or its own service as primary, from its NVLog" + (partnerGone ? " (the partner is " +
                    "gone)" : " (the partner is alive: resyncing it)"));
                shell.roleEnding();
                return 1;
            }
        }
        if (0 != retryTakeoverAtNs && takeoverFailed && nowNs >= retryTakeoverAtNs)
        {
            retryTakeoverAtNs = 0;
            takeoverRequested = true;
            progress.println("controller " + ctx.controllerId() + ": trying the takeover again");
        }
        final boolean requested = takeoverRequested;
        final TakeoverVerdict decided = verdict;
        final boolean possible = null != current && null != decided && !takeoverFailed &&
            TakeoverVerdict.Kind.TAKE_OVER == decided.kind();
        if (!requested && !possible)
        {
            return 0;
        }
        if (null == current && null == failedMirror)
        {
            takeoverRequested = false;
            takeoversRefused++;
            takeoverOutcome = "takeover refused: no mirror session (the pool has no primary to take over from)";
            return 1;
        }
        takeoverRequested = false;
        takingOver = true;
        takeoversStarted++;
        takeoverFailed = false;
        session = null;
        final Session mirror = null != current ? current : failedMirror;
        failedMirror = null;
        final boolean forced = requested && takeoverForced;
        final long detectedAfterMs = view.heartbeatAgeMs();
        final boolean exited = null != decided && decided.inputs().partnerExited();
        ctx.platform().startJob("tandem-takeover-" + ctx.controllerId(),
            () -> takeOver(mirror, forced, detectedAfterMs, requested, exited));
        return 1;
    }

    private void takeOver(
        final Session mirror,
        final boolean forced,
        final long detectedAfterMs,
        final boolean requested,
        final boolean exited)
    {
        final long startNs = ctx.nanoClock().nanoTime();
        progress.println("controller " + ctx.controllerId() + ": taking over" + (requested ? " on command" :
            exited ? " (the primary's process exited, the host says; its heartbeat is " + detectedAfterMs +
            " ms old)" : " (the primary is gone on every path; heartbeat " + detectedAfterMs + " ms old)") +
            (forced ? ", forced" : ""));
        // stopped at once, so the mirror log changes no more; closed meanwhile (the primary this controller becomes
        // binds none of the receiver's ports)
        mirror.releaseLink();
        // the journal tells a resumed takeover which steps are done; one that does not own the pool yet (the pool
        // as last read) has none done that count, and does not pay for reading the journal (tens of ms). Every
        // step is safe to repeat, so a stale read costs time, not safety.
        final boolean resuming = partner.poolOwner() == ctx.controllerId();
        try (EventJournalReader reader = null == ctx.journal() || !resuming ? null :
            EventJournalReader.open(ctx.controllerDir().resolve("journal")))
        {
            final Takeover takeover = new Takeover(new TakeoverContext()
                .pool(pool)
                .ownership(new Ownership(pool.superblocks()))
                .mirrorLog(mirror.log)
                .partnerMailbox(pool.mailbox(ctx.partnerId())) // a reader of its own: the housekeeping reads too
                .journal(ctx.journal())
                .journalReader(reader)
                .controllerId(ctx.controllerId())
                .forced(forced)
                .forcePool(io.tandem.staging.Durability.POWER == ctx.durability())
                .nanoClock(ctx.nanoClock())
                .platform(ctx.platform()));
            runningTakeover = takeover;
            final TakeoverResult result;
            try
            {
                result = takeover.run();
            }
            finally
            {
                runningTakeover = null;
            }
            final long totalNs = ctx.nanoClock().nanoTime() - startNs;
            final long totalMs = totalNs / 1_000_000;
            if (null != ctx.telemetry())
            {
                ctx.telemetry().failovers().takeover(result.passed(), requested ? 0 : detectedAfterMs * 1_000_000,
                    result.fenceNs(), result.scanNs(), result.replayNs(), result.cpNs(), totalNs);
            }
            if (result.passed())
            {
                final String summary = "took over at epoch " + result.newEpoch() + ": detection " +
                    (requested ? "- (on command)" : detectedAfterMs + " ms") + ", fence " + result.fenceMs() +
                    " ms, scan " + result.scanMs() + " ms beside collecting " + result.collectMs() + " ms, replay " +
                    result.replayMs() + " ms (" + result.recordsReplayed() + " records, " + result.bytesReplayed() +
                    " bytes; scan to replayed " + result.scanToReplayedMs() + " ms, " +
                    String.format("%.2f", result.scanAndReplayBytesPerSecond() / 1e9) + " GB/s), CP " +
                    result.cpMs() + " ms, total " + totalMs + " ms before serving";
                takeoverOutcome = summary;
                if (null != ctx.journal())
                {
                    ctx.journal().note("takeover", summary);
                }
                mirror.close();
                handover = new Handover(true, false, result.newEpoch(), summary);
                shell.roleEnding();
            }
            else
            {
                failed(mirror, "takeover failed at " + result.failedStep() + ": " + result.cause());
                if (result.newEpoch() > 0 && isIoError(result.cause()))
                {
                    // the fence took the pool and the partner is stopped: only the pool's I/O failed (a failing
                    // or full disk). Nobody else can serve now, so the takeover tries again by itself, resuming.
                    retryTakeoverAtNs = ctx.nanoClock().nanoTime() + TAKEOVER_RETRY_NS;
                    takeoverOutcome = takeoverOutcome + "; trying again in " +
                        TimeUnit.NANOSECONDS.toMillis(TAKEOVER_RETRY_NS) + " ms: this controller owns the pool";
                }
            }
        }
        catch (final RuntimeException ex)
        {
            failed(mirror, "takeover failed: " + ex.getMessage());
        }
    }

    /**
     * A failed takeover keeps the mirror as it is (a retry, forced or resumed, needs it) and serves nothing:
     * the volume stays down rather than served without writes the mirror was to hold.
     */
    private void failed(final Session mirror, final String outcome)
    {
        takeoverOutcome = outcome + " (the volume is not served; `tandem ctl takeover --force` retries)";
        progress.println("controller " + ctx.controllerId() + ": " + takeoverOutcome);
        if (null != ctx.journal())
        {
            ctx.journal().note("takeover", takeoverOutcome);
        }
        failedMirror = mirror;
        takeoverFailed = true;
        takingOver = false;
    }

    /**
     * @return {@code cause}, or one of its causes, is an I/O error: the pool's device failed, not a safety check.
     */
    private static boolean isIoError(final Throwable cause)
    {
        for (Throwable t = cause; null != t; t = t.getCause())
        {
            if (t instanceof IOException || t instanceof java.io.UncheckedIOException)
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Decides on a takeover and copies the agent's state into the published snapshot: on the agent, every 100 ms.
     */
    private void capture(final Session current, final PartnerView view)
    {
        final int live = null == current ? 0 : current.receiver.liveMask();
        verdict = decide(current, view, Integer.bitCount(live));
        final SecondarySnapshot out = published;
        out.beginWrite();
        out.sessionEpoch = null == current ? 0 : current.epoch;
        out.poolEpoch = view.poolEpoch();
        out.poolOwner = view.poolOwner();
        out.poolCpLsn = view.cpLsn();
        out.mirrorState = view.mirrorState();
        out.mirrorGeneration = view.mirrorGeneration();
        out.heldGeneration = null == current ? 0 : current.store.heldGeneration();
        out.partnerHeartbeatAgeMs = view.heartbeatAgeMs();
        out.partnerRole = MailboxFile.roleName(view.partnerRole());
        out.liveMask = live;
        System.arraycopy(pulled, 0, out.pulled, 0, pulled.length);
        out.hasSession = null != current;
        if (null != current)
        {
            for (int stream = 0; stream < out.delivered.length; stream++)
            {
                out.delivered[stream] = current.receiver.deliveredSequence(stream);
                out.durable[stream] = current.receiver.durableSequence(stream);
                out.acked[stream] = current.receiver.ackedSequence(stream);
            }
            out.nvlogFill = current.log.fill();
            out.nvramResident = null != current.log.device().residentSegment();
            out.mirrorRecords = current.store.recordsStored();
            out.mirrorBytes = current.store.bytesStored();
            out.pendingAcks = current.store.pendingAcks();
            out.releasedUpTo = current.store.releasedUpTo();
            out.pathCounters.capture(current.receiver.counters());
        }
        out.mode = modes.mode();
        out.lastTransition = modes.last();
        out.takingOver = takingOver;
        final Takeover running = runningTakeover;
        out.takeoverProgress = null == running ? null : running.progress();
        out.takeoversStarted = takeoversStarted;
        out.takeoversRefused = takeoversRefused;
        out.verdict = verdict;
        out.takeoverOutcome = takeoverOutcome;
        out.endWrite();
    }

    public io.tandem.controller.metrics.ControllerRole role()
    {
        return io.tandem.controller.metrics.ControllerRole.SECONDARY;
    }

    /**
     * Writes the metrics of the state the agent last captured (as {@link #status()} renders it) and of the NBD
     * server's counters, on the caller's thread.
     */
    public void writeMetrics(final MetricsWriter out)
    {
        final SecondarySnapshot copy = new SecondarySnapshot(pulled.length, published.delivered.length);
        copy.copyFrom(published);
        shell.writeMetrics(copy, nbd.counters(), out);
    }

    /**
     * Renders the status the agent last captured, with the health and the error log, on the caller's thread.
     */
    private String render(final boolean json)
    {
        final SecondarySnapshot copy = new SecondarySnapshot(pulled.length, published.delivered.length);
        copy.copyFrom(published);
        return shell.renderStatus(copy, json);
    }

    /**
     * Gathers the decision's inputs as they stand and decides ({@link TakeoverDecision}).
     */
    private TakeoverVerdict decide(final Session current, final PartnerView view, final int livePaths)
    {
        return TakeoverDecision.decide(new TakeoverInputs(
            ctx.controllerId(),
            ctx.partnerId(),
            view.poolOwner(),
            view.mirrorState(),
            view.mirrorGeneration(),
            null != current,
            null == current ? 0 : current.store.heldGeneration(),
            !everMirrored && !resumeAttempted,
            livePaths,
            view.heartbeatAgeMs(),
            ctx.partnerStaleMs(),
            view.partnerExited(),
            takeoverRequested ? (takeoverForced ? TakeoverRequest.FORCED : TakeoverRequest.ASKED) :
                TakeoverRequest.NONE));
    }
}
