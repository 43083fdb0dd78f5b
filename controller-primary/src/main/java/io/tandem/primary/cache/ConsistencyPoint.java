package io.tandem.primary.cache;

import io.tandem.controller.pool.AllocationMapFile;
import io.tandem.controller.pool.EpochLease;
import io.tandem.controller.pool.Ownership;
import io.tandem.staging.block.BlockDevice;
import org.agrona.concurrent.NanoClock;

import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;

/**
 * A consistency point: destages the write cache's dirty pages to the pool in arrival order, makes them durable,
 * records the CP's LSN in the pool superblock, then makes the destaged pages clean. Afterwards every write with an
 * LSN up to {@link #lastCpLsn()} is in the pool and the NVLog may drop it (the {@link ConsistencyPointListener}
 * is told).
 * <pre>
 *  IDLE/DONE/FAILED --start()--> COLLECT --> FENCE_CHECK --> DESTAGE (pagesPerStep a step) --> FLUSH --> RECORD
 *                                                |                                                 |        |
 *                                                +----------------> FENCED <-----------------------(epoch moved)
 *  RECORD --> DONE; an I/O error in any step --> FAILED (nothing recorded, pages stay dirty; start() may retry)
 * </pre>
 * A failed CP says why ({@link #lastFailure()}: the pool is full, or another error) and may be started again only
 * after a backoff on the context's clock ({@link ConsistencyPointContext#retryBackoffMinNs()}, doubling to
 * {@link ConsistencyPointContext#retryBackoffMaxNs()}): a pool that refuses every write is tried again a few times
 * a second at most, not from every duty cycle, each try destaging everything up to the block that fails.
 * Failures other than a full pool in a row make the CP {@link #isExhausted() exhausted} at
 * {@link ConsistencyPointContext#maxConsecutiveFailures()}: the controller should give the pool up.
 * FLUSH (forcing the pool) is skipped when {@link ConsistencyPointContext#forcePool()} is off, at {@code process}
 * durability.
 * <p>
 * COLLECT runs in one step, so it is atomic with respect to writes: the CP's LSN is the highest LSN applied to
 * the cache then, the pages to destage are exactly those dirty then, and the copy of the allocation map it takes
 * is the map as of that LSN (the cache marks it as it applies each write). RECORD writes that copy to the pool's
 * {@link AllocationMapFile}, forced, and then the LSN, under the superblock's lock
 * ({@link Ownership#recordCheckpoint}): the pool's map always matches its CP LSN. Writes keep flowing into the cache
 * during the CP: a page written again before its destage goes out with the newer bytes (harmless: replaying the
 * log from the CP's LSN rewrites them), and a page written again at any point stays dirty for the next CP.
 * <p>
 * Destaging goes in batches of at most {@link ConsistencyPointContext#pagesPerStep()} pages: the agent picks a
 * batch (sorted by volume offset; pages that follow each other both on the volume and in cache memory, as a
 * sequential write into a fresh cache leaves them, go out in one write) and the I/O executor writes it to the
 * pool, checking the epoch lease before each write. A write into the pool's mapping can block for a page fault
 * or the file system's journal: on a 2-core machine one such step of the agent took 18-24 ms, and every client
 * request waited behind it; the agent now never writes the pool itself.
 * All blocking steps (checking the epoch, destaging a batch, forcing the pool, replacing the superblock) run one
 * at a time on the context's {@link ConsistencyPointContext#ioExecutor() I/O executor}; {@link #doWork(long)}
 * polls for them and never waits.
 * A fenced controller (the pool's epoch moved past ours) ends the CP FENCED, records nothing and refuses every
 * later CP.
 * <p>
 * Not thread-safe: stepped by the agent that owns the {@link PageCache}; only the blocking step runs elsewhere,
 * handing its outcome back through a volatile field.
 */
public final class ConsistencyPoint implements AutoCloseable
{
    /**
     * Where a CP is; the terminal states stay until the next {@link #start(Reason)}.
     */
    public enum State
    {
        IDLE, COLLECT, FENCE_CHECK, DESTAGE, FLUSH, RECORD, DONE, FAILED, FENCED
    }

    /**
     * Why a CP was started.
     */
    public enum Reason
    {
        /** The CP interval passed with writes above the last CP. */
        TIMER,
        /** A log half is full (or both are in use): its writes must reach the pool before it is reused. */
        LOG_HALF_FULL,
        /** The write cache has no clean page left for a write. */
        CACHE_FULL,
        /** {@code ctl cp}. */
        COMMAND
    }

    private final PageCache cache;
    private final BlockDevice device;
    private final Ownership ownership;
    private final AllocationMapFile allocationMapFile;
    /** The allocation map as of {@link #cpLsn}, copied at COLLECT, persisted at RECORD. */
    private final long[] mapAtCp;
    private final EpochLease epochLease;
    private volatile long fenceChecks;
    /** The epoch was just checked: the next batch goes ahead whatever the lease says, so a slow agent progresses. */
    private boolean epochJustChecked;
    private final long epoch;
    private final int pagesPerStep;
    private final Executor ioExecutor;
    private final ExecutorService ownedIoExecutor;
    private final NanoClock nanoClock;
    private final ConsistencyPointListener listener;
    private final Runnable onStepDone;
    private final boolean forcePool;
    private final long retryBackoffMinNs;
    private final long retryBackoffMaxNs;
    private final int maxConsecutiveFailures;
    private final DestageList destageList;
    private final BlockingStep blockingStep = new BlockingStep();

    private State state = State.IDLE;
    private Reason reason;
    private long cpLsn;
    private int destageIndex;
    /** A batch of runs is being written by the I/O executor: the agent waits for it, never writes the pool. */
    private boolean batchInFlight;
    private int batchRuns;
    /** The batch follows a fresh check of the epoch: its first run goes ahead whatever the lease says. */
    private boolean batchAfterCheck;
    private int batchEnd;
    private final int[] batchListIndex;
    private final int[] batchFrame;
    private final int[] batchPages;
    private long startNs;
    private Throwable lastError;
    private CpFailure lastFailure;
    private int failuresInARow;
    private int ioFailuresInARow;
    private long retryAtNs;

    private long lastCpLsn;
    private long completedCount;
    private long failedCount;
    private long lastDurationNs;
    private int lastPagesDestaged;
    private long pagesDestaged;

    /**
     * Concludes the context.
     */
    public ConsistencyPoint(final ConsistencyPointContext ctx)
    {
        ctx.conclude();
        cache = ctx.cache();
        device = cache.device();
        ownership = ctx.ownership();
        allocationMapFile = ctx.allocationMapFile();
        mapAtCp = new long[cache.allocationMap().wordCount()];
        epoch = ctx.epoch();
        pagesPerStep = ctx.pagesPerStep();
        ioExecutor = ctx.ioExecutor();
        ownedIoExecutor = ctx.ownedIoExecutor();
        nanoClock = ctx.nanoClock();
        epochLease = ctx.epochLease();
        listener = ctx.listener();
        onStepDone = ctx.onStepDone();
        forcePool = ctx.forcePool();
        retryBackoffMinNs = ctx.retryBackoffMinNs();
        retryBackoffMaxNs = ctx.retryBackoffMaxNs();
        maxConsecutiveFailures = ctx.maxConsecutiveFailures();
        destageList = new DestageList(cache.frameCount());
        batchListIndex = new int[pagesPerStep + 1];
        batchFrame = new int[pagesPerStep];
        batchPages = new int[pagesPerStep];
    }

    /**
     * Starts a CP; it runs as {@link #doWork(long)} is called.
     *
     * @return false if a CP is running already, the last one failed less than its backoff ago
     * ({@link #retryAtNs()}), or this controller has been fenced.
     */
    public boolean start(final Reason reason)
    {
        final long nowNs = nanoClock.nanoTime();
        switch (state)
        {
            case FAILED:
                if (nowNs - retryAtNs < 0)
                {
                    return false;
                }
                // fall through
            case IDLE:
            case DONE:
                this.reason = reason;
                startNs = nowNs;
                lastError = null;
                state = State.COLLECT;
                return true;
            default:
                return false;
        }
    }

    /**
     * Advances the running CP, if any, without blocking.
     *
     * @param nowNs the time on the context's {@link ConsistencyPointContext#nanoClock() clock}.
     * @return the amount of work done: 0 when idle or waiting for a blocking step.
     */
    public int doWork(final long nowNs)
    {
        switch (state)
        {
            case COLLECT:
                return collect();
            case FENCE_CHECK:
                return awaitFenceCheck(nowNs);
            case DESTAGE:
                return destage(nowNs);
            case FLUSH:
                return awaitFlush(nowNs);
            case RECORD:
                return awaitRecord(nowNs);
            default:
                return 0;
        }
    }

    public State state()
    {
        return state;
    }

    /**
     * @return true from {@link #start(Reason)} until the CP ends.
     */
    public boolean isRunning()
    {
        return State.COLLECT.ordinal() <= state.ordinal() && state.ordinal() <= State.RECORD.ordinal();
    }

    /**
     * @return why the current or last CP was started, or null before the first.
     */
    public Reason reason()
    {
        return reason;
    }

    /**
     * @return the LSN of the running CP (fixed at COLLECT), or of the last one.
     */
    public long cpLsn()
    {
        return cpLsn;
    }

    /**
     * Starts from a pool that records {@code cpLsn} already, before any CP ran: a start that replayed nothing
     * has nothing to put in the pool, and takes no CP.
     */
    public void poolHolds(final long cpLsn)
    {
        if (State.IDLE == state && cpLsn > lastCpLsn)
        {
            lastCpLsn = cpLsn;
            this.cpLsn = cpLsn;
        }
    }

    /**
     * @return the LSN recorded by the last CP that completed (0 before the first).
     */
    public long lastCpLsn()
    {
        return lastCpLsn;
    }

    /**
     * @return how many times a CP read the superblock to check its epoch: once per CP, and again before a batch
     * whenever the epoch lease ran out. Any thread.
     */
    public long fenceChecks()
    {
        return fenceChecks;
    }

    public long completedCount()
    {
        return completedCount;
    }

    public long failedCount()
    {
        return failedCount;
    }

    public long lastDurationNs()
    {
        return lastDurationNs;
    }

    /**
     * @return pages the last completed CP destaged.
     */
    public int lastPagesDestaged()
    {
        return lastPagesDestaged;
    }

    /**
     * @return pages destaged by every CP so far, completed or not.
     */
    public long pagesDestaged()
    {
        return pagesDestaged;
    }

    /**
     * @return pages the running CP writes to the pool in all, once its destage list is made; 0 when none runs.
     */
    public int pagesOfRunningCp()
    {
        return State.DESTAGE == state || State.FENCE_CHECK == state ? destageList.size() : 0;
    }

    /**
     * @return pages the running CP has still to write to the pool.
     */
    public int pagesToDestage()
    {
        return State.DESTAGE == state || State.FENCE_CHECK == state ? destageList.size() - destageIndex : 0;
    }

    /**
     * @return why the last CP failed, or null.
     */
    public Throwable lastError()
    {
        return lastError;
    }

    /**
     * @return what kind of failure ended the last failed CP, or null if none has failed since the last DONE.
     */
    public CpFailure lastFailure()
    {
        return lastFailure;
    }

    /**
     * @return CPs failed in a row since the last one that completed, for any reason.
     */
    public int failuresInARow()
    {
        return failuresInARow;
    }

    /**
     * @return CPs failed in a row since the last one that completed, on errors other than a full pool: a full
     * pool is waited out, it does not count towards giving the pool up.
     */
    public int ioFailuresInARow()
    {
        return ioFailuresInARow;
    }

    /**
     * @return true once {@link ConsistencyPointContext#maxConsecutiveFailures()} CPs have failed in a row on pool
     * I/O errors other than a full pool: the pool is not usable by this controller.
     */
    public boolean isExhausted()
    {
        return ioFailuresInARow >= maxConsecutiveFailures;
    }

    /**
     * @return when, on the context's clock, a failed CP may be started again.
     */
    public long retryAtNs()
    {
        return retryAtNs;
    }

    /**
     * Appends {@code cp.failed=N} and, while the last CP failed, {@code cp.lastFailure=KIND in a row N: cause,
     * retry in M ms}, each line ending in a newline. For the status: allocates.
     */
    public void appendFailureStatus(final StringBuilder out, final long nowNs)
    {
        out.append("cp.failed=").append(failedCount).append('\n');
        if (State.FAILED == state && null != lastFailure)
        {
            out.append("cp.lastFailure=").append(lastFailure).append(" in a row ").append(failuresInARow)
                .append(": ").append(lastError).append(", retry in ")
                .append(Math.max(0, (retryAtNs - nowNs) / 1_000_000)).append(" ms\n");
        }
    }

    /**
     * Shuts down the I/O thread if the context made it; a running CP is abandoned (nothing more recorded).
     */
    public void close()
    {
        if (null != ownedIoExecutor)
        {
            ownedIoExecutor.shutdown();
        }
    }

    private int collect()
    {
        cpLsn = cache.highestLsn();
        cache.allocationMap().copyTo(mapAtCp);
        destageList.collect(cache);
        destageIndex = 0;
        submit(BlockingStep.FENCE_CHECK, State.FENCE_CHECK);
        return 1;
    }

    private int awaitFenceCheck(final long nowNs)
    {
        final int outcome = blockingStep.outcome;
        if (BlockingStep.PENDING == outcome)
        {
            return 0;
        }
        if (BlockingStep.SUCCEEDED == outcome)
        {
            state = State.DESTAGE;
            epochJustChecked = true;
        }
        else
        {
            endBlocking(outcome, nowNs);
        }
        return 1;
    }

    private int destage(final long nowNs)
    {
        if (batchInFlight)
        {
            final int outcome = blockingStep.outcome;
            if (BlockingStep.PENDING == outcome)
            {
                return 0;
            }
            batchInFlight = false;
            final int done = blockingStep.runsDone;
            for (int i = 0; i < done; i++)
            {
                pagesDestaged += batchPages[i];
            }
            if (BlockingStep.SUCCEEDED == outcome)
            {
                destageIndex = batchEnd;
            }
            else if (BlockingStep.LAPSED == outcome)
            {
                // the lease ran out while the batch was written: check the epoch, then go on from the first run
                // not written
                destageIndex = batchListIndex[done];
                submit(BlockingStep.FENCE_CHECK, State.FENCE_CHECK);
                return 1;
            }
            else
            {
                fail(blockingStep.error, nowNs);
                return 1;
            }
            if (destageIndex == destageList.size())
            {
                destaged();
                return 1;
            }
        }

        final boolean checked = epochJustChecked;
        epochJustChecked = false;
        if (null != epochLease && !checked && !epochLease.holds(nowNs))
        {
            // the last check of the epoch is too old to write on: check it again before this batch
            submit(BlockingStep.FENCE_CHECK, State.FENCE_CHECK);
            return 1;
        }
        final int end = Math.min(destageList.size(), destageIndex + pagesPerStep);
        destageList.sortUpTo(end);
        int runs = 0;
        int index = destageIndex;
        while (index < end)
        {
            final int frame = destageList.frame(index);
            final long page = destageList.page(index);
            if (!isStillDirty(frame, page))
            {
                index++;
                continue;
            }
            int run = 1;
            while (index + run < end && destageList.frame(index + run) == frame + run &&
                destageList.page(index + run) == page + run && isStillDirty(frame + run, page + run))
            {
                run++;
            }
            for (int i = 0; i < run; i++)
            {
                destageList.destagedWriteSeq(index + i, cache.frameWriteSeq(frame + i));
            }
            batchListIndex[runs] = index;
            batchFrame[runs] = frame;
            batchPages[runs] = run;
            runs++;
            index += run;
        }
        batchListIndex[runs] = end;
        if (0 == runs)
        {
            destageIndex = end;
            if (destageIndex == destageList.size())
            {
                destaged();
            }
            return 1;
        }
        batchRuns = runs;
        batchEnd = end;
        batchAfterCheck = checked;
        batchInFlight = true;
        submit(BlockingStep.DESTAGE, State.DESTAGE);
        return 1;
    }

    /**
     * Every collected page is in the pool: force it (at power durability), then record the CP.
     */
    private void destaged()
    {
        if (forcePool)
        {
            submit(BlockingStep.FLUSH, State.FLUSH);
        }
        else
        {
            submit(BlockingStep.RECORD, State.RECORD);
        }
    }

    /**
     * Dirty pages are never evicted, so this holds for every collected page; checked rather than assumed.
     */
    private boolean isStillDirty(final int frame, final long page)
    {
        return PageCache.DIRTY == cache.frameState(frame) && cache.framePage(frame) == page;
    }

    private int awaitFlush(final long nowNs)
    {
        final int outcome = blockingStep.outcome;
        if (BlockingStep.PENDING == outcome)
        {
            return 0;
        }
        if (BlockingStep.SUCCEEDED == outcome)
        {
            submit(BlockingStep.RECORD, State.RECORD);
        }
        else
        {
            endBlocking(outcome, nowNs);
        }
        return 1;
    }

    private int awaitRecord(final long nowNs)
    {
        final int outcome = blockingStep.outcome;
        if (BlockingStep.PENDING == outcome)
        {
            return 0;
        }
        if (BlockingStep.SUCCEEDED == outcome)
        {
            complete(nowNs);
        }
        else
        {
            endBlocking(outcome, nowNs);
        }
        return 1;
    }

    private void complete(final long nowNs)
    {
        int destaged = 0;
        for (int i = 0, size = destageList.size(); i < size; i++)
        {
            final long writeSeq = destageList.destagedWriteSeq(i);
            if (writeSeq >= 0)
            {
                destaged++;
                cache.markClean(destageList.frame(i), destageList.page(i), writeSeq, cpLsn);
            }
        }
        lastCpLsn = cpLsn;
        lastPagesDestaged = destaged;
        lastDurationNs = nowNs - startNs;
        completedCount++;
        lastFailure = null;
        failuresInARow = 0;
        ioFailuresInARow = 0;
        state = State.DONE;
        listener.onComplete(reason, cpLsn, destaged, lastDurationNs);
    }

    private void endBlocking(final int outcome, final long nowNs)
    {
        if (BlockingStep.REFUSED == outcome)
        {
            lastDurationNs = nowNs - startNs;
            state = State.FENCED;
            listener.onFenced(epoch);
        }
        else
        {
            fail(blockingStep.error, nowNs);
        }
    }

    private void fail(final Throwable error, final long nowNs)
    {
        lastError = error;
        lastFailure = CpFailure.of(error);
        lastDurationNs = nowNs - startNs;
        failedCount++;
        failuresInARow++;
        if (CpFailure.POOL_FULL != lastFailure)
        {
            ioFailuresInARow++;
        }
        long backoffNs = retryBackoffMinNs;
        for (int i = 1; i < failuresInARow && backoffNs < retryBackoffMaxNs; i++)
        {
            backoffNs <<= 1;
        }
        retryAtNs = nowNs + Math.min(retryBackoffMaxNs, backoffNs);
        state = State.FAILED;
        listener.onFailed(reason, lastFailure, error);
    }

    private void submit(final int op, final State next)
    {
        blockingStep.op = op;
        blockingStep.cpLsn = cpLsn;
        blockingStep.error = null;
        blockingStep.outcome = BlockingStep.PENDING;
        state = next;
        try
        {
            ioExecutor.execute(blockingStep);
        }
        catch (final RuntimeException ex)
        {
            blockingStep.error = ex;
            blockingStep.outcome = BlockingStep.FAILED;
        }
    }

    /**
     * The one blocking step in flight, run on the I/O executor; its outcome is published through a volatile field
     * after its other fields, so the agent reads them safely once it sees the outcome.
     */
    private final class BlockingStep implements Runnable
    {
        static final int FENCE_CHECK = 1;
        static final int FLUSH = 2;
        static final int RECORD = 3;
        static final int DESTAGE = 4;

        static final int PENDING = 0;
        static final int SUCCEEDED = 1;
        static final int REFUSED = 2;
        static final int FAILED = 3;
        /** The epoch lease ran out in the middle of a destage batch: {@link #runsDone} runs were written. */
        static final int LAPSED = 4;

        int op;
        int runsDone;
        long cpLsn;
        Throwable error;
        volatile int outcome = SUCCEEDED;

        /**
         * Writes the batch's runs to the pool, checking the epoch lease before each but the first after a fresh
         * check of the epoch (as the agent did when it wrote them itself).
         *
         * @return false if the lease ran out first; {@link #runsDone} says how far it got.
         */
        private boolean destageBatch() throws IOException
        {
            runsDone = 0;
            for (int i = 0; i < batchRuns; i++)
            {
                if (null != epochLease && !(0 == i && batchAfterCheck) && !epochLease.holds(nanoClock.nanoTime()))
                {
                    return false;
                }
                cache.destage(batchFrame[i], batchPages[i]);
                runsDone = i + 1;
            }
            return true;
        }

        public void run()
        {
            try
            {
                boolean ok;
                int succeeded = SUCCEEDED;
                switch (op)
                {
                    case FENCE_CHECK:
                    {
                        final long checkStartNs = nanoClock.nanoTime();
                        ok = !ownership.isFenced(epoch);
                        if (ok && null != epochLease)
                        {
                            epochLease.renew(checkStartNs);
                        }
                        fenceChecks++;
                        break;
                    }
                    case FLUSH:
                        device.flush();
                        ok = true;
                        break;
                    case RECORD:
                        ok = ownership.recordCheckpoint(epoch, cpLsn, allocationMapFile, mapAtCp);
                        if (ok)
                        {
                            device.settled(); // an array may forget the writes this CP made
                        }
                        break;
                    case DESTAGE:
                        ok = true;
                        succeeded = destageBatch() ? SUCCEEDED : LAPSED;
                        break;
                    default:
                        throw new IllegalStateException("unknown blocking step " + op);
                }
                outcome = ok ? succeeded : REFUSED;
            }
            catch (final Throwable ex)
            {
                error = ex;
                outcome = FAILED;
            }
            if (null != onStepDone)
            {
                onStepDone.run();
            }
        }
    }
}
