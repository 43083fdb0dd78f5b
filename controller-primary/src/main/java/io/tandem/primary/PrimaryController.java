package io.tandem.primary;

import io.tandem.interconnect.InterconnectEndpoint;
import io.tandem.interconnect.MirrorSender;
import io.tandem.nvlog.NvLog;
import io.tandem.nvlog.NvLogContext;
import io.tandem.primary.cache.ConsistencyPoint;
import io.tandem.primary.cache.ConsistencyPointContext;
import io.tandem.primary.cache.ConsistencyPointListener;
import io.tandem.primary.cache.PageCache;
import io.tandem.primary.cache.PageCacheContext;
import io.tandem.primary.control.ControlServer;
import io.tandem.primary.nbd.NbdProtocol;
import io.tandem.primary.nbd.NbdServer;
import io.tandem.primary.nbd.NbdServerContext;
import io.tandem.primary.pool.MailboxFile;
import io.tandem.primary.pool.Ownership;
import io.tandem.primary.pool.Pool;
import io.tandem.primary.pool.PoolContext;
import io.tandem.primary.pool.Superblock;
import io.tandem.primary.replay.LogReplay;
import io.tandem.primary.write.WritePath;
import io.tandem.staging.NvramContext;
import org.agrona.CloseHelper;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The primary role: owns the pool, serves the volume over NBD, logs every write locally and mirrors it to the
 * partner before acknowledging it, and takes consistency points.
 * <p>
 * Launch: open the pool and take it (the epoch goes up: a former owner is fenced), open the NVLog and replay
 * what it holds above the pool's CP LSN, take a consistency point so the pool holds everything, then start the
 * mirror, the write path and the NBD server. Threads, decided here: the controller's agent (NBD server,
 * interconnect, write path and consistency points in one duty cycle), the NVRAM flusher, the Aeron media
 * driver, the consistency point's I/O thread, a housekeeping thread (mailbox heartbeat, fencing check) and the
 * control port's thread.
 * <p>
 * Thread-safe: {@link #status()}, {@link #requestCheckpoint()}, {@link #pull(int)}, {@link #restore(int)} and
 * {@link #close()} from any thread.
 */
public final class PrimaryController implements AutoCloseable
{
    private final ControllerContext ctx;
    private final Pool pool;
    private final Ownership ownership;
    private final long epoch;
    private final NvLog log;
    private final PageCache cache;
    private final ConsistencyPoint consistencyPoint;
    private final InterconnectEndpoint interconnect;
    private final MirrorSender sender;
    private final WritePath writePath;
    private final NbdServer nbd;
    private final AgentRunner runner;
    private final ScheduledExecutorService housekeeping;
    private final MailboxFile mailbox;
    private final ControlServer control;
    private final PrimaryStatus status;
    private final long startupReplayed;
    private volatile boolean checkpointRequested;
    private volatile boolean fenced;
    private volatile String checkpointWhy = "";

    private PrimaryController(final ControllerContext ctx, final PrintStream progress) throws IOException
    {
        this.ctx = ctx;
        Pool pool = null;
        NvLog log = null;
        PageCache cache = null;
        ConsistencyPoint consistencyPoint = null;
        InterconnectEndpoint interconnect = null;
        NbdServer nbd = null;
        ScheduledExecutorService housekeeping = null;
        MailboxFile mailbox = null;
        ControlServer control = null;
        try
        {
            Files.createDirectories(ctx.controllerDir());
            pool = Pool.open(new PoolContext().dir(ctx.poolDir()).clusterId(ctx.clusterId())
                .volumeSize(ctx.volumeSize()).epochClock(ctx.epochClock()));
            this.ownership = new Ownership(pool.superblocks());
            final Superblock before = pool.superblocks().read();
            if (before.owner() == ctx.partnerId())
            {
                throw new IllegalStateException("the pool is owned by controller " + before.owner() + " at epoch " +
                    before.epoch() + ", newer than any this controller served in: starting as primary would fence " +
                    "the partner that serves the volume now. Start this controller as the secondary instead.");
            }
            this.epoch = ownership.take(ctx.controllerId());
            progress.println("controller " + ctx.controllerId() + ": took the pool at epoch " + epoch);

            log = NvLog.open(new NvLogContext().clusterId(ctx.clusterId()).stripeSize(ctx.stripeSize())
                .streamCount(ctx.newInterconnect(epoch).streamCount())
                .maxPayloadLength(Math.max(ctx.stripeSize(), NvLogContext.MAX_PAYLOAD_LENGTH_DEFAULT))
                .nvram(new NvramContext().file(ctx.controllerDir().resolve("nvram.dev"))
                    .capacity(ctx.nvramCapacity()).durability(ctx.durability())));
            log.epoch(epoch);
            progress.println("controller " + ctx.controllerId() + ": NVLog " + log.recoveryReport());

            cache = new PageCache(new PageCacheContext().device(pool.volume()).capacity(ctx.cacheCapacity()));
            consistencyPoint = new ConsistencyPoint(new ConsistencyPointContext().cache(cache).ownership(ownership)
                .epoch(epoch).nanoClock(ctx.nanoClock()).listener(new CheckpointListener()));

            final Superblock superblock = pool.superblocks().read();
            final LogReplay replay = new LogReplay(cache, consistencyPoint, ctx.nanoClock());
            replay.replay(log, Integer.MIN_VALUE, superblock.cpLsn());
            replay.runConsistencyPoint();
            this.startupReplayed = replay.replayed();
            final long firstLsn = Math.max(superblock.cpLsn(), replay.highestLsn()) + 1;
            releaseSealedHalf(log, consistencyPoint.lastCpLsn());
            progress.println("controller " + ctx.controllerId() + ": replayed " + replay.replayed() +
                " records above CP LSN " + superblock.cpLsn() + "; next LSN " + firstLsn);

            interconnect = InterconnectEndpoint.launchSender(ctx.newInterconnect(epoch));
            this.sender = interconnect.sender();
            final NbdServerContext nbdCtx = new NbdServerContext().bindAddress(ctx.bindAddress())
                .port(ctx.nbdPort()).useAgentInvoker(true)
                .exportDescription("tandem controller " + ctx.controllerId() + " (primary, epoch " + epoch + ")");
            this.writePath = new WritePath(log, sender, cache, why ->
            {
                checkpointWhy = why;
                checkpointRequested = true;
            }, ctx.nanoClock(), nbdCtx.maxConnections() * nbdCtx.maxRequestsPerConnection() + 64, epoch, firstLsn);
            nbdCtx.volume(writePath);
            nbd = NbdServer.launch(nbdCtx);

            this.pool = pool;
            this.log = log;
            this.cache = cache;
            this.consistencyPoint = consistencyPoint;
            this.interconnect = interconnect;
            this.nbd = nbd;
            this.status = new PrimaryStatus();

            mailbox = pool.mailbox(ctx.controllerId());
            this.mailbox = mailbox;
            housekeeping = Executors.newSingleThreadScheduledExecutor(r ->
            {
                final Thread thread = new Thread(r, "tandem-housekeeping-" + ctx.controllerId());
                thread.setDaemon(true);
                return thread;
            });
            this.housekeeping = housekeeping;
            beat();
            housekeeping.scheduleWithFixedDelay(this::beat, ctx.heartbeatIntervalMs(), ctx.heartbeatIntervalMs(),
                TimeUnit.MILLISECONDS);

            this.runner = new AgentRunner(new BackoffIdleStrategy(100, 10, 1_000, 100_000),
                Throwable::printStackTrace, null, new PrimaryAgent());
            AgentRunner.startOnThread(runner);
            control = ControlServer.start(ctx.bindAddress(), ctx.controlPort(), new PrimaryControlHandler(this),
                "tandem-control-" + ctx.controllerId());
            this.control = control;
            progress.println("controller " + ctx.controllerId() + ": primary serving nbd://" + ctx.bindAddress() + ":" +
                nbd.port() + " (control port " + control.port() + ", " + ctx.pathCount() + " interconnect paths)");
        }
        catch (final IOException | RuntimeException ex)
        {
            CloseHelper.quietCloseAll(control, nbd, interconnect, consistencyPoint, cache, log, mailbox, pool);
            if (null != housekeeping)
            {
                housekeeping.shutdownNow();
            }
            throw ex;
        }
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

    private static void releaseSealedHalf(final NvLog log, final long cpLsn)
    {
        final int sealed = log.sealedHalf();
        if (-1 != sealed && log.maxLsn(sealed) <= cpLsn)
        {
            log.release(sealed);
        }
    }

    private void beat()
    {
        try
        {
            if (!fenced && ownership.isFenced(epoch))
            {
                fenced = true;
            }
            mailbox.beat(ctx.controllerId(), fenced ? MailboxFile.ROLE_FENCED : MailboxFile.ROLE_PRIMARY, epoch,
                ctx.epochClock().time());
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
        checkpointWhy = "command";
        checkpointRequested = true;
    }

    public void pull(final int path)
    {
        interconnect.pull(path);
    }

    public void restore(final int path)
    {
        interconnect.restore(path);
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
        return status.text;
    }

    public long epoch()
    {
        return epoch;
    }

    public int nbdPort()
    {
        return nbd.port();
    }

    public int controlPort()
    {
        return control.port();
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
        CloseHelper.quietClose(control);
        CloseHelper.quietClose(runner);
        if (!fenced && null != runner)
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
        housekeeping.shutdownNow();
        try
        {
            housekeeping.awaitTermination(2, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        CloseHelper.quietCloseAll(nbd, interconnect, consistencyPoint, cache, log, mailbox, pool);
    }

    private final class CheckpointListener implements ConsistencyPointListener
    {
        public void onComplete(
            final ConsistencyPoint.Reason reason, final long cpLsn, final int pagesDestaged, final long durationNs)
        {
            if (null != writePath)
            {
                writePath.submitCheckpointMarker(cpLsn);
            }
        }

        public void onFenced(final long fencedEpoch)
        {
            fenced = true;
        }
    }

    /**
     * The controller's duty cycle: the NBD server, the interconnect, the write path, consistency points.
     */
    private final class PrimaryAgent implements Agent
    {
        private final long cpIntervalNs = TimeUnit.MILLISECONDS.toNanos(ctx.cpIntervalMs());
        private long lastCpNs = ctx.nanoClock().nanoTime();
        private long nextStatusNs;
        private boolean refusing;

        public int doWork()
        {
            final long nowNs = ctx.nanoClock().nanoTime();
            int work = nbd.invoker().invoke();
            work += interconnect.invoker().invoke();
            if (fenced)
            {
                if (!refusing)
                {
                    refusing = true;
                    nbd.refuseIo(true);
                    writePath.refuse(NbdProtocol.ESHUTDOWN);
                }
                return work;
            }
            work += writePath.doWork(nowNs);
            work += consistencyPoint.doWork(nowNs);
            work += checkpoints(nowNs);
            if (nowNs >= nextStatusNs)
            {
                nextStatusNs = nowNs + TimeUnit.MILLISECONDS.toNanos(100);
                status.refresh(nowNs);
            }
            return work;
        }

        private int checkpoints(final long nowNs)
        {
            if (consistencyPoint.isRunning())
            {
                return 0;
            }
            releaseSealedHalf(log, consistencyPoint.lastCpLsn());
            ConsistencyPoint.Reason reason = null;
            if (checkpointRequested)
            {
                checkpointRequested = false;
                reason = "command".equals(checkpointWhy) ? ConsistencyPoint.Reason.COMMAND :
                    ConsistencyPoint.Reason.LOG_HALF_FULL;
            }
            else if (-1 != log.sealedHalf())
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

        public String roleName()
        {
            return "tandem-primary-" + ctx.controllerId();
        }
    }

    /**
     * What `tandem ctl status` shows, rebuilt on the agent thread and published whole.
     */
    private final class PrimaryStatus
    {
        private volatile String text = "starting";

        void refresh(final long nowNs)
        {
            final StringBuilder out = new StringBuilder(1024);
            out.append("role=").append(fenced ? "fenced" : "primary").append('\n');
            out.append("controller=").append(ctx.controllerId()).append('\n');
            out.append("epoch=").append(epoch).append('\n');
            out.append("nbd=").append(ctx.bindAddress()).append(':').append(nbd.port()).append('\n');
            out.append("durability=").append(ctx.durability()).append('\n');
            final int live = sender.liveMask();
            for (int path = 0; path < ctx.pathCount(); path++)
            {
                out.append("path.").append(path).append('=')
                    .append(0 != (live & (1 << path)) ? "up" : "down")
                    .append(interconnect.isPulled(path) ? " (pulled)" : "").append('\n');
            }
            final int streams = log.partitioner().streamCount();
            for (int stream = 0; stream < streams; stream++)
            {
                final long sent = writePath.nextSequence(stream) - 1;
                final long acked = sender.ackedSequence(stream);
                out.append("stream.").append(stream).append("=sent ").append(sent).append(" acked ").append(acked)
                    .append(" lag ").append(sent - acked).append(" path ").append(sender.pathOf(stream)).append('\n');
            }
            out.append("nvlog.fill=").append(String.format("%.3f", log.fill())).append('\n');
            out.append("nvlog.activeHalf=").append(log.activeHalf()).append('\n');
            out.append("nvlog.sealedHalf=").append(log.sealedHalf()).append('\n');
            out.append("lsn=").append(writePath.lastLsn()).append('\n');
            out.append("cp.lsn=").append(consistencyPoint.lastCpLsn()).append('\n');
            out.append("cp.count=").append(consistencyPoint.completedCount()).append('\n');
            out.append("cp.state=").append(consistencyPoint.state()).append('\n');
            out.append("cp.lastDurationMs=").append(consistencyPoint.lastDurationNs() / 1_000_000).append('\n');
            out.append("cache.dirtyPages=").append(cache.dirtyPages()).append('\n');
            out.append("writes.completed=").append(writePath.writesCompleted()).append('\n');
            out.append("writes.bytes=").append(writePath.bytesWritten()).append('\n');
            out.append("writes.pending=").append(writePath.pendingCount()).append('\n');
            out.append("writes.inFlight=").append(writePath.inFlightCount()).append('\n');
            out.append("writes.stalledOn=").append(writePath.stalledOn()).append('\n');
            out.append("reads.completed=").append(writePath.readsCompleted()).append('\n');
            final org.HdrHistogram.Histogram latency = writePath.writeLatencyUs();
            out.append("writeLatencyUs.p50=").append(latency.getValueAtPercentile(50)).append('\n');
            out.append("writeLatencyUs.p99=").append(latency.getValueAtPercentile(99)).append('\n');
            out.append("writeLatencyUs.p999=").append(latency.getValueAtPercentile(99.9)).append('\n');
            out.append("startup.replayed=").append(startupReplayed).append('\n');
            text = out.toString();
        }
    }
}
