package io.tandem.secondary.takeover;

import io.tandem.controller.platform.RunStop;
import io.tandem.controller.pool.AllocationMap;
import io.tandem.controller.pool.MirrorState;
import io.tandem.controller.pool.Superblock;
import io.tandem.controller.replay.MapMarks;
import io.tandem.controller.replay.PoolWriter;
import io.tandem.controller.replay.Replay;
import io.tandem.controller.replay.ReplayPlan;
import io.tandem.nvlog.LogRecord;
import io.tandem.nvlog.NvLog;
import io.tandem.recovery.consumer.ConsumerGraph;
import io.tandem.recovery.consumer.ConsumerListener;
import io.tandem.recovery.consumer.ConsumerRegistry;
import io.tandem.recovery.consumer.ConsumerState;
import io.tandem.recovery.consumer.ConsumerStatus;
import io.tandem.recovery.consumer.ConsumerWalk;
import io.tandem.recovery.consumer.RecoveryConsumer;
import io.tandem.recovery.consumer.WalkResult;
import io.tandem.recovery.consumer.WalkSnapshot;
import io.tandem.recovery.graph.FailurePolicy;
import io.tandem.recovery.graph.GraphEngineContext;
import io.tandem.recovery.journal.EventJournal;
import io.tandem.recovery.journal.JournalResume;
import io.tandem.staging.block.BlockDevice;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The secondary's takeover of the pool, as a graph of recovery consumers (DESIGN.md, "Takeover and giveback"):
 * <pre>
 *   fence -&gt; load-superblock -+-&gt; scan    -+-&gt; replay -&gt; consistency-point
 *                             +-&gt; collect -+
 * </pre>
 * <ul>
 *   <li>fence: refuses a stale mirror unless forced (before touching anything), takes the pool with a new epoch,
 *   and kills the partner's process if it still runs (by the process id in its mailbox);</li>
 *   <li>load-superblock: reads the CP LSN, below which the pool holds every write, and the pool's allocation map as
 *   of it;</li>
 *   <li>scan: checks that the mirror holds every stream whole ({@link MirrorScan}) and counts what each holds above
 *   the CP LSN, in one walk of the log;</li>
 *   <li>collect, beside the scan: reads what the records of every stream above the CP LSN change into a
 *   {@link ReplayPlan}, in another walk of the log, and sorts it; it writes nothing, so it need not wait for the
 *   scan's verdict;</li>
 *   <li>replay: writes the plan into the pool's volume, in one sorted pass (the last write of each block winning,
 *   neighbouring streams' stripes joined), so the volume ends as a replay in log order leaves it, marking the map
 *   in log order (a block written is data, whole blocks zeroed zero or hole);</li>
 *   <li>consistency-point: forces the volume (at durability power) and records the new CP LSN under the new
 *   epoch, with the map as of it.</li>
 * </ul>
 * An array pool's takeover also resyncs, beside the scan and the replay, the regions the dead owner's write-intent
 * bitmap marks ({@code resync-array}, after load-superblock, before the CP).
 * <p>
 * Why one scan and one replay, not one per stream in parallel: the buffered writes of the one volume file serialize
 * on its inode lock, so parallel replays only waited for each other (spinning on the lock, on a 2-core machine a
 * core taken from the other steps); each stream's walk read the headers of every stream's records; and the fewer
 * the steps, the less code a secondary that never took over runs cold (bench/README.md, "Takeover replay of a full
 * NVLog"). The one writer is the bound, so all that can go beside it is reading the log: the collect beside the
 * scan.
 * Serving is the caller's: once {@link #run()} returns a result that {@link TakeoverResult#passed() passed}, the
 * pool is this controller's in {@link TakeoverResult#newEpoch()} and holds every mirrored write up to
 * {@link TakeoverResult#cpLsnAfter()}. Once one step fails nothing more is started ({@link FailurePolicy#HALT}),
 * so a takeover that cannot finish writes as little as it can.
 * <p>
 * Every step's start and end go to the journal, if there is one, under the operation id {@code takeover-epoch-<E>}, E
 * the pool's epoch before the takeover. A secondary that crashed during a takeover and runs it again computes the same
 * id (the pool it already fenced shows it as owner in E + 1) and, given a journal reader, skips the steps the journal
 * says were done. Every step is safe to repeat: the fence does not bump an epoch it already owns, and a replay writes
 * the same bytes again. A plan collected by an earlier walk is gone with its process: a replay that finds none
 * collects its own. The allocation map lives in this process only until the CP records it, so a replay the
 * journal says was done is read through again for its marks alone ({@link MapMarks}) before the CP.
 * <p>
 * The mirror log must not change while the takeover runs: stop receiving from the partner first. One takeover
 * runs once. Not thread-safe, except {@link #snapshot()}, which any thread may call while it runs.
 */
public final class Takeover
{
    public static final String FENCE = "fence";
    public static final String LOAD_SUPERBLOCK = "load-superblock";
    public static final String CONSISTENCY_POINT = "consistency-point";
    public static final String RESYNC_ARRAY = "resync-array";
    public static final String OPERATION_PREFIX = "takeover-epoch-";

    public static final String SCAN = "scan";
    public static final String COLLECT = "collect";
    public static final String REPLAY = "replay";

    private final TakeoverContext ctx;
    private final NvLog mirror;
    private final EventJournal journal;
    private final int controllerId;
    private final int streams;
    /** The pool's volume through a channel of this takeover's own: a timed-out step's interrupt closes only it. */
    private BlockDevice volume;
    private PoolWriter writer;
    /** The pool's allocation map as of the CP LSN, marked by the replays; recorded by the CP. */
    private final AllocationMap map;
    private final ConsumerGraph graph;
    /** What the scan found above the CP LSN per stream: the replay's records and bytes, once they agree. */
    private final AtomicLongArray scanRecordsAbove;
    private final AtomicLongArray scanBytesAbove;
    /** Bytes replayed so far, at index 0, for the progress bar. */
    private final AtomicLongArray replayedSoFar = new AtomicLongArray(1);
    /** What the collect step read, for the replay; null until it ran in this walk. */
    private volatile CollectedPlan collected;
    private volatile boolean replayed;
    private volatile long replayHighestLsn = -1;
    private final Phase fencePhase = new Phase();
    private final Phase scanPhase = new Phase();
    private final Phase collectPhase = new Phase();
    private final Phase replayPhase = new Phase();
    private final Phase cpPhase = new Phase();
    private String operationId;
    private Set<String> resumed = Set.of();
    private volatile ConsumerWalk walk;
    private volatile long previousEpoch;
    private volatile long newEpoch;
    private volatile long cpLsnBefore;
    private volatile long cpLsnAfter;
    private volatile String fenceDetail;

    /**
     * Builds the graph; nothing is read or written until {@link #run()}.
     *
     * @param ctx concluded here.
     * @throws IllegalArgumentException if the context is incomplete, or the mirror log's stripes are not whole
     *                                  blocks of the pool, so streams could not be replayed in parallel.
     */
    public Takeover(final TakeoverContext ctx)
    {
        this.ctx = ctx.conclude();
        this.mirror = ctx.mirrorLog();
        this.journal = ctx.journal();
        this.controllerId = ctx.controllerId();
        this.streams = mirror.partitioner().streamCount();
        PoolWriter.checkStripe(mirror.partitioner().stripeSize(), ctx.pool().blockSize());
        this.map = AllocationMap.allData(ctx.pool().blockSize(), ctx.pool().volumeSize() / ctx.pool().blockSize());
        this.scanRecordsAbove = new AtomicLongArray(streams);
        this.scanBytesAbove = new AtomicLongArray(streams);
        this.graph = buildGraph();
    }

    /**
     * @return the operation id of a takeover of the pool from {@code previousEpoch}.
     */
    public static String operationId(final long previousEpoch)
    {
        return OPERATION_PREFIX + previousEpoch;
    }

    /**
     * @return the takeover's steps and their dependencies, for printing ({@link ConsumerGraph#toText()}).
     */
    public ConsumerGraph graph()
    {
        return graph;
    }

    /**
     * @return every step's state now, or null before {@link #run()} started; safe from any thread.
     */
    public WalkSnapshot snapshot()
    {
        final ConsumerWalk current = walk;
        return null == current ? null : current.snapshot();
    }

    /**
     * @return how far the takeover has come, or null before {@link #run()} started its steps; safe from any
     * thread. Allocates: for status, read every 100 ms, not on a hot path.
     */
    public TakeoverProgress progress()
    {
        final WalkSnapshot steps = snapshot();
        if (null == steps)
        {
            return null;
        }
        int settled = 0;
        final StringBuilder running = new StringBuilder();
        for (final ConsumerStatus status : steps.statuses())
        {
            if (ConsumerState.DONE == status.state() || ConsumerState.SKIPPED == status.state())
            {
                settled++;
            }
            else if (ConsumerState.RUNNING == status.state())
            {
                running.append(running.length() == 0 ? "" : ",").append(status.name());
            }
        }
        long toReplay = 0;
        for (int s = 0; s < streams; s++)
        {
            toReplay += scanBytesAbove.get(s);
        }
        return new TakeoverProgress(settled, steps.statuses().size(), running.toString(), replayedSoFar.get(0),
            toReplay);
    }

    /**
     * Builds a takeover and runs it: what a secondary calls.
     *
     * @param ctx concluded here.
     * @return how it ended; a failure is a result, not an exception.
     * @throws IllegalArgumentException if the context is incomplete or does not fit the pool.
     */
    public static TakeoverResult run(final TakeoverContext ctx)
    {
        return new Takeover(ctx).run();
    }

    /**
     * Runs the takeover to its end on the calling thread; the steps run on the recovery engine's threads.
     *
     * @return how it ended; a failure (the superblock unreadable, a step failed, the calling thread interrupted)
     * is a result, not an exception.
     */
    public TakeoverResult run()
    {
        if (null != operationId)
        {
            throw new IllegalStateException("takeover " + operationId + " already ran");
        }
        final Superblock start;
        try
        {
            start = ctx.pool().superblocks().read();
        }
        catch (final IOException ex)
        {
            operationId = "takeover";
            return new TakeoverResult(operationId, false, "takeover", ex, -1, -1, -1, -1, new long[streams],
                new long[streams], 0, 0, 0, 0, 0, 0, null, null);
        }
        // a takeover resumed after a crash finds the pool already fenced by this controller
        previousEpoch = start.owner() == controllerId ? start.epoch() - 1 : start.epoch();
        newEpoch = previousEpoch + 1;
        cpLsnBefore = start.cpLsn();
        cpLsnAfter = start.cpLsn();
        operationId = operationId(previousEpoch);
        if (null != ctx.journalReader())
        {
            resumed = JournalResume.completedConsumers(ctx.journalReader(), operationId);
        }

        journalStep("takeover", "STARTED", "controller " + controllerId + " takes the pool over from epoch " +
            previousEpoch + (ctx.forced() ? ", forced" : "") +
            (resumed.isEmpty() ? "" : "; resuming, already done: " + resumed));
        if (null != journal)
        {
            journal.note("takeover", operationId + "\n" + graph.toText());
        }

        try
        {
            if (resumed.contains(LOAD_SUPERBLOCK))
            {
                // the pool has been this controller's since the earlier walk: its CP LSN is as that walk found it
                ctx.pool().loadAllocationMap(start, map);
            }
            volume = ctx.pool().openVolume();
            writer = new PoolWriter(volume, map);
        }
        catch (final IOException ex)
        {
            final TakeoverResult result = new TakeoverResult(operationId, false, "takeover", ex, previousEpoch,
                newEpoch, cpLsnBefore, cpLsnAfter, new long[streams], new long[streams], 0, 0, 0, 0, 0, 0, null, null);
            journalStep("takeover", "FAILED", result.toString());
            return result;
        }
        try
        {
            return walk();
        }
        finally
        {
            org.agrona.CloseHelper.quietClose(volume);
        }
    }

    private TakeoverResult walk()
    {
        final ConsumerWalk current = graph.walk(operationId)
            .resume(resumed)
            .listener(null == journal ? ConsumerListener.NONE : journal.consumerListener())
            .engineContext(new GraphEngineContext()
                .failurePolicy(FailurePolicy.HALT)
                .maxParallelism(ctx.maxParallelism())
                .executor(ctx.platform().recoveryActions()));
        walk = current;
        TakeoverResult result;
        try
        {
            result = result(current.run());
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            result = new TakeoverResult(operationId, false, "takeover", ex, previousEpoch, newEpoch, cpLsnBefore,
                cpLsnAfter, new long[streams], new long[streams], fencePhase.durationNs(), scanPhase.durationNs(),
                collectPhase.durationNs(), replayPhase.durationNs(), scanToReplayedNs(), cpPhase.durationNs(),
                fenceDetail, current.snapshot());
        }
        journalStep("takeover", result.passed() ? "DONE" : "FAILED", result.toString());
        return result;
    }

    private void journalStep(final String step, final String status, final String detail)
    {
        if (null != journal)
        {
            journal.takeoverStep(operationId, step, status, detail);
        }
    }

    private TakeoverResult result(final WalkResult outcome)
    {
        String failedStep = null;
        Throwable cause = null;
        for (final ConsumerStatus status : outcome.snapshot().statuses())
        {
            if (ConsumerState.FAILED == status.state())
            {
                failedStep = status.name();
                cause = status.cause();
                break;
            }
        }
        if (!outcome.passed() && null == failedStep)
        {
            failedStep = "takeover";
            cause = new IllegalStateException("the walk did not pass: " + outcome.snapshot().counts());
        }
        final long[] records = new long[streams];
        final long[] bytes = new long[streams];
        for (int s = 0; s < streams && replayed; s++)
        {
            records[s] = scanRecordsAbove.get(s);
            bytes[s] = scanBytesAbove.get(s);
        }
        return new TakeoverResult(operationId, outcome.passed(), failedStep, cause, previousEpoch, newEpoch,
            cpLsnBefore, cpLsnAfter, records, bytes, fencePhase.durationNs(), scanPhase.durationNs(),
            collectPhase.durationNs(), replayPhase.durationNs(), scanToReplayedNs(), cpPhase.durationNs(), fenceDetail,
            outcome.snapshot());
    }

    private ConsumerGraph buildGraph()
    {
        final long timeoutMs = ctx.stepTimeoutMs();
        final ConsumerRegistry registry = new ConsumerRegistry()
            .register(FENCE, timed(fencePhase, c -> fence()), timeoutMs, TimeUnit.MILLISECONDS)
            .register(LOAD_SUPERBLOCK, timed(fencePhase, c -> loadSuperblock()), timeoutMs, TimeUnit.MILLISECONDS,
                FENCE);
        registry
            .register(SCAN, timed(scanPhase, c -> scan()), timeoutMs, TimeUnit.MILLISECONDS, LOAD_SUPERBLOCK)
            .register(COLLECT, timed(collectPhase, c -> collect()), timeoutMs, TimeUnit.MILLISECONDS, LOAD_SUPERBLOCK)
            .register(REPLAY, timed(replayPhase, c -> replay()), timeoutMs, TimeUnit.MILLISECONDS, SCAN, COLLECT);
        final String[] beforeCp;
        if (ctx.pool().layout().single())
        {
            beforeCp = new String[] { REPLAY };
        }
        else
        {
            // the dead owner's writes in flight may have left stripes whose parity or mirror copies disagree: the
            // write-intent bitmap names their regions, and they are made whole beside the replay
            registry.register(RESYNC_ARRAY, timed(replayPhase, c -> resyncArray()), timeoutMs, TimeUnit.MILLISECONDS,
                LOAD_SUPERBLOCK);
            beforeCp = new String[] { REPLAY, RESYNC_ARRAY };
        }
        registry.register(CONSISTENCY_POINT, timed(cpPhase, c -> consistencyPoint()), timeoutMs,
            TimeUnit.MILLISECONDS, beforeCp);
        return registry.build("takeover");
    }

    private RecoveryConsumer timed(final Phase phase, final RecoveryConsumer step)
    {
        return c ->
        {
            phase.started(ctx.nanoClock().nanoTime());
            try
            {
                ctx.stepHook().accept(c.consumer());
                step.recover(c);
            }
            finally
            {
                phase.ended(ctx.nanoClock().nanoTime());
            }
        };
    }

    private void fence() throws IOException, InterruptedException
    {
        final Superblock superblock = ctx.pool().superblocks().read();
        final String fenced;
        final RunStop stop;
        if (superblock.owner() == controllerId && superblock.epoch() == previousEpoch + 1)
        {
            newEpoch = superblock.epoch();
            fenced = "the pool is already this controller's in epoch " + newEpoch + " (a resumed takeover)";
            stop = PartnerProcess.stop(ctx.partnerMailbox(), ctx.partnerExitTimeoutMs(), ctx.platform());
        }
        else
        {
            if (superblock.epoch() != previousEpoch)
            {
                throw new IllegalStateException("the pool moved to epoch " + superblock.epoch() + " (owner " +
                    superblock.owner() + ") since the takeover from epoch " + previousEpoch + " began");
            }
            if (MirrorState.IN_SYNC == superblock.mirrorState() && !RevertedFixes.MIRROR_GENERATIONS &&
                superblock.mirrorGeneration() != mirror.heldGeneration())
            {
                final String loss = "the pool vouches for mirror generation " + superblock.mirrorGeneration() +
                    ", this controller's mirror holds " + mirror.heldGeneration() + " complete";
                if (!ctx.forced())
                {
                    throw new StaleMirrorException("automatic takeover refused: " + loss + "; only a forced " +
                        "takeover goes ahead, accepting the loss of what the primary acknowledged meanwhile");
                }
                if (null != journal)
                {
                    journal.note("takeover", operationId + " forced over a mirror of another generation: " + loss);
                }
            }
            if (MirrorState.STALE == superblock.mirrorState())
            {
                final String loss = staleMirrorLoss(superblock);
                if (!ctx.forced())
                {
                    throw new StaleMirrorException("automatic takeover refused: " + loss +
                        "; only a forced takeover goes ahead, accepting that loss");
                }
                if (null != journal)
                {
                    journal.note("takeover", operationId + " forced over a stale mirror: " + loss);
                }
            }
            // the partner's run is stopped first: hung, it may hold the pool's lock, which its death releases
            stop = PartnerProcess.stop(ctx.partnerMailbox(), ctx.partnerExitTimeoutMs(), ctx.platform());
            newEpoch = ctx.ownership().take(controllerId, superblock);
            if (-1 == newEpoch)
            {
                throw new IllegalStateException("the pool changed while the takeover from epoch " + previousEpoch +
                    " fenced it (now " + ctx.pool().superblocks().read() + "): not taking it");
            }
            if (null != journal)
            {
                journal.epochChange(newEpoch, "controller " + controllerId + " took the pool over from epoch " +
                    superblock.epoch() + " (owner " + superblock.owner() + ")");
            }
            fenced = "epoch " + superblock.epoch() + " -> " + newEpoch + ", owner " + superblock.owner() + " -> " +
                controllerId;
        }
        final String partner = stop.visible() ? stop.detail() :
            PartnerProcess.awaitFenced(ctx.partnerMailbox(), newEpoch, ctx.partnerExitTimeoutMs(), stop.detail(),
                ctx.nanoClock());
        fenceDetail = fenced + "; " + partner;
        journalStep(FENCE, "DONE", fenceDetail);
    }

    private String staleMirrorLoss(final Superblock superblock)
    {
        final long[] highest = {-1};
        mirror.forEachInStream(Integer.MIN_VALUE, Long.MIN_VALUE, new LogRecord(),
            record -> highest[0] = Math.max(highest[0], record.lsn()));
        return "the mirror is stale: the partner went on acknowledging writes in epoch " + superblock.epoch() +
            " after mirroring stopped, and this mirror log ends at LSN " + highest[0] + " (pool CP LSN " +
            superblock.cpLsn() + "), so every write the partner acknowledged after LSN " +
            Math.max(highest[0], superblock.cpLsn()) + " would be lost";
    }

    private void loadSuperblock() throws IOException
    {
        final Superblock superblock = ctx.pool().superblocks().read();
        if (superblock.owner() != controllerId || superblock.epoch() != newEpoch)
        {
            throw fenced(superblock.epoch(), superblock.owner());
        }
        cpLsnBefore = superblock.cpLsn();
        cpLsnAfter = superblock.cpLsn();
        ctx.pool().loadAllocationMap(superblock, map);
        journalStep(LOAD_SUPERBLOCK, "DONE", "epoch " + newEpoch + ", CP LSN " +
            superblock.cpLsn() + ", mirror " + superblock.mirrorState() + " generation " +
            superblock.mirrorGeneration());
    }

    private void scan()
    {
        final MirrorScan scan = scanMirror();
        journalStep(SCAN, "DONE", scan.summary());
    }

    /**
     * Scans every stream and keeps what each holds above the CP LSN.
     *
     * @throws MirrorGapException if a stream is not whole.
     */
    private MirrorScan scanMirror()
    {
        final MirrorScan scan = new MirrorScan(streams, cpLsnBefore).scan(mirror);
        if (null != scan.problem())
        {
            throw new MirrorGapException(scan.problemStream(), scan.problem());
        }
        for (int s = 0; s < streams; s++)
        {
            scanRecordsAbove.set(s, scan.recordsAbove(s));
            scanBytesAbove.set(s, scan.bytesAbove(s));
        }
        return scan;
    }

    private void replay() throws IOException
    {
        if (ctx.ownership().isFenced(newEpoch))
        {
            final Superblock superblock = ctx.pool().superblocks().read();
            throw fenced(superblock.epoch(), superblock.owner());
        }
        if (resumed.contains(SCAN))
        {
            scanMirror(); // what each stream holds, for the result; checked again on the way
        }
        // none if the collect was done by an earlier walk, in a process that is gone
        final CollectedPlan plan = null == collected ? collectPlan() : collected;
        long scanned = 0;
        for (int s = 0; s < streams; s++)
        {
            scanned += scanRecordsAbove.get(s);
        }
        if (plan.records != scanned)
        {
            throw new IllegalStateException("collected " + plan.records + " records to replay, the scan found " +
                scanned + ": the mirror log changed during the takeover");
        }
        plan.plan.execute(writer, volume, ctx.nanoClock(), replayedSoFar, 0);
        replayHighestLsn = plan.highestLsn;
        replayed = true;
        if (null != journal)
        {
            // where the replay's time went: reading the log and collecting, sorting, writing
            journal.note("takeover", operationId + ": replayed " + plan.records + " records, " +
                plan.plan.bytes() + " bytes: " + plan.plan.blocksWritten() + " blocks (of " +
                plan.plan.blocksCollected() + " collected) in " + plan.plan.deviceWrites() + " device writes, and " +
                plan.plan.cuts() + " writes or zeroings of parts of blocks; read and collected in " +
                plan.readNs / 1000 + " us, sorted in " + plan.plan.sortNs() / 1000 + " us, written in " +
                plan.plan.writeNs() / 1000 + " us");
        }
    }

    private void collect()
    {
        collected = collectPlan();
    }

    private CollectedPlan collectPlan()
    {
        return CollectedPlan.collect(mirror, cpLsnBefore, ctx.pool().blockSize(), ctx.nanoClock());
    }

    private void resyncArray() throws IOException
    {
        if (ctx.ownership().isFenced(newEpoch))
        {
            final Superblock superblock = ctx.pool().superblocks().read();
            throw fenced(superblock.epoch(), superblock.owner());
        }
        final long stripes = ctx.pool().resyncDirtyRegions();
        if (null != journal)
        {
            journal.note("takeover", operationId + ": resynced " + stripes + " stripes of the regions the pool's " +
                "write-intent bitmap marked");
        }
    }

    private void consistencyPoint() throws IOException
    {
        if (ctx.forcePool())
        {
            volume.flush();
        }
        long highestLsn = cpLsnBefore;
        if (resumed.contains(REPLAY))
        {
            highestLsn = Math.max(highestLsn,
                new Replay(new MapMarks(map), cpLsnBefore).replay(mirror, Integer.MIN_VALUE, new LogRecord())
                    .highestLsnReplayed());
        }
        else
        {
            highestLsn = Math.max(highestLsn, replayHighestLsn);
        }
        final long[] words = new long[map.wordCount()];
        map.copyTo(words);
        if (!ctx.ownership().recordCheckpoint(newEpoch, highestLsn, ctx.pool().allocationMapFile(), words))
        {
            final Superblock superblock = ctx.pool().superblocks().read();
            throw fenced(superblock.epoch(), superblock.owner());
        }
        cpLsnAfter = highestLsn;
        if (null != journal)
        {
            journal.consistencyPoint(highestLsn, operationId + ": the pool holds every mirrored write up to LSN " +
                highestLsn);
        }
    }

    /**
     * @return from the first start of the scan or the collect to the end of the replay; 0 unless all three ran.
     */
    private long scanToReplayedNs()
    {
        final long start = Math.min(scanPhase.firstStartNs.get(), collectPhase.firstStartNs.get());
        final long end = replayPhase.lastEndNs.get();
        return 0 == scanPhase.durationNs() || 0 == collectPhase.durationNs() || 0 == replayPhase.durationNs() ?
            0 : end - start;
    }

    private IllegalStateException fenced(final long epoch, final int owner)
    {
        return new IllegalStateException("fenced: the pool is in epoch " + epoch + " owned by controller " + owner +
            ", not in epoch " + newEpoch + " owned by controller " + controllerId);
    }

    /**
     * When a phase's steps ran: from the first start to the last end, over steps on any thread.
     */
    private static final class Phase
    {
        private final AtomicLong firstStartNs = new AtomicLong(Long.MAX_VALUE);
        private final AtomicLong lastEndNs = new AtomicLong(Long.MIN_VALUE);

        void started(final long nowNs)
        {
            firstStartNs.accumulateAndGet(nowNs, Math::min);
        }

        void ended(final long nowNs)
        {
            lastEndNs.accumulateAndGet(nowNs, Math::max);
        }

        long durationNs()
        {
            final long start = firstStartNs.get();
            final long end = lastEndNs.get();
            return Long.MAX_VALUE == start || end < start ? 0 : end - start;
        }
    }
}
