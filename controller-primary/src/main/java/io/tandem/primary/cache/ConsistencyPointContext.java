package io.tandem.primary.cache;

import io.tandem.controller.pool.AllocationMapFile;
import io.tandem.controller.pool.EpochLease;
import io.tandem.controller.pool.Ownership;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Configuration of the {@link ConsistencyPoint}, concluded once by its constructor. The cache, the ownership of
 * the pool and the epoch this controller owns it in must be given.
 * <p>
 * Not thread-safe: fill it on one thread, then hand it to the consistency point.
 */
public final class ConsistencyPointContext
{
    /**
     * Pages in one destage batch: the agent picks and sorts a batch in one duty cycle, the I/O executor writes it
     * to the pool while the agent goes on serving.
     */
    public static final String PAGES_PER_STEP_PROP_NAME = "tandem.cp.pagesPerStep";
    public static final int PAGES_PER_STEP_DEFAULT = 512;

    /** The wait before a failed CP may start again; it doubles with each failure in a row. */
    public static final String RETRY_BACKOFF_MIN_PROP_NAME = "tandem.cp.retryBackoffMinMs";
    public static final long RETRY_BACKOFF_MIN_MS_DEFAULT = 100;

    /** The longest wait before a failed CP may start again: how soon after space returns writes resume. */
    public static final String RETRY_BACKOFF_MAX_PROP_NAME = "tandem.cp.retryBackoffMaxMs";
    public static final long RETRY_BACKOFF_MAX_MS_DEFAULT = 5_000;

    /**
     * CPs failing in a row on an I/O error other than a full pool after which the pool counts as lost to this
     * controller ({@link ConsistencyPoint#isExhausted()}): the controller gives up so its partner can take over.
     */
    public static final String MAX_CONSECUTIVE_FAILURES_PROP_NAME = "tandem.cp.maxConsecutiveFailures";
    public static final int MAX_CONSECUTIVE_FAILURES_DEFAULT = 5;

    private int pagesPerStep = Integer.getInteger(PAGES_PER_STEP_PROP_NAME, PAGES_PER_STEP_DEFAULT);
    private long retryBackoffMinNs = TimeUnit.MILLISECONDS.toNanos(
        Long.getLong(RETRY_BACKOFF_MIN_PROP_NAME, RETRY_BACKOFF_MIN_MS_DEFAULT));
    private long retryBackoffMaxNs = TimeUnit.MILLISECONDS.toNanos(
        Long.getLong(RETRY_BACKOFF_MAX_PROP_NAME, RETRY_BACKOFF_MAX_MS_DEFAULT));
    private int maxConsecutiveFailures = Integer.getInteger(
        MAX_CONSECUTIVE_FAILURES_PROP_NAME, MAX_CONSECUTIVE_FAILURES_DEFAULT);
    private PageCache cache;
    private Ownership ownership;
    private AllocationMapFile allocationMapFile;
    private EpochLease epochLease;
    private long epoch = -1;
    private Executor ioExecutor;
    private ExecutorService ownedIoExecutor;
    private Runnable onStepDone;
    private boolean forcePool = true;
    private NanoClock nanoClock;
    private ConsistencyPointListener listener;
    private boolean concluded;

    /**
     * @throws IllegalArgumentException naming the setting that is wrong.
     */
    public ConsistencyPointContext conclude()
    {
        if (concluded)
        {
            throw new IllegalStateException("context already concluded");
        }
        if (null == cache)
        {
            throw new IllegalArgumentException("cache must be set");
        }
        if (null == ownership)
        {
            throw new IllegalArgumentException("ownership must be set");
        }
        if (null == allocationMapFile)
        {
            throw new IllegalArgumentException("allocationMapFile must be set (the pool's)");
        }
        if (epoch < 0)
        {
            throw new IllegalArgumentException("epoch must be set to the epoch this controller owns the pool in");
        }
        if (pagesPerStep < 1)
        {
            throw new IllegalArgumentException("pagesPerStep must be >= 1: " + pagesPerStep);
        }
        if (retryBackoffMinNs < 0 || retryBackoffMaxNs < retryBackoffMinNs)
        {
            throw new IllegalArgumentException("retryBackoffMinNs must be >= 0 and retryBackoffMaxNs >= it: " +
                retryBackoffMinNs + ", " + retryBackoffMaxNs);
        }
        if (maxConsecutiveFailures < 1)
        {
            throw new IllegalArgumentException("maxConsecutiveFailures must be >= 1: " + maxConsecutiveFailures);
        }
        if (null == ioExecutor)
        {
            ownedIoExecutor = Executors.newSingleThreadExecutor(runnable ->
            {
                final Thread thread = new Thread(runnable, "tandem-cp-io");
                thread.setDaemon(true);
                return thread;
            });
            ioExecutor = ownedIoExecutor;
        }
        if (null == nanoClock)
        {
            nanoClock = SystemNanoClock.INSTANCE;
        }
        if (null == listener)
        {
            listener = (reason, cpLsn, pagesDestaged, durationNs) -> {};
        }
        concluded = true;
        return this;
    }

    public PageCache cache()
    {
        return cache;
    }

    public ConsistencyPointContext cache(final PageCache cache)
    {
        this.cache = cache;
        return this;
    }

    public Ownership ownership()
    {
        return ownership;
    }

    public ConsistencyPointContext ownership(final Ownership ownership)
    {
        this.ownership = ownership;
        return this;
    }

    /**
     * @return where each CP persists the cache's allocation map as of its LSN, before it records the LSN: the
     * pool's {@link AllocationMapFile}.
     */
    public AllocationMapFile allocationMapFile()
    {
        return allocationMapFile;
    }

    public ConsistencyPointContext allocationMapFile(final AllocationMapFile allocationMapFile)
    {
        this.allocationMapFile = allocationMapFile;
        return this;
    }

    /**
     * @return the lease under which the CP writes the pool: a destage batch starts only while it holds, and the
     * CP checks the epoch again (and renews it) when it does not; null checks the epoch once per CP.
     */
    public EpochLease epochLease()
    {
        return epochLease;
    }

    public ConsistencyPointContext epochLease(final EpochLease epochLease)
    {
        this.epochLease = epochLease;
        return this;
    }

    /**
     * @return the epoch this controller owns the pool in; a CP records only while the pool is still in it.
     */
    public long epoch()
    {
        return epoch;
    }

    public ConsistencyPointContext epoch(final long epoch)
    {
        this.epoch = epoch;
        return this;
    }

    /**
     * @return pages in one destage batch, default {@link #PAGES_PER_STEP_DEFAULT}.
     */
    public int pagesPerStep()
    {
        return pagesPerStep;
    }

    public ConsistencyPointContext pagesPerStep(final int pagesPerStep)
    {
        this.pagesPerStep = pagesPerStep;
        return this;
    }

    /**
     * @return the wait after a first failed CP before {@link ConsistencyPoint#start} accepts another, doubled for
     * each further failure in a row up to {@link #retryBackoffMaxNs()}; default
     * {@link #RETRY_BACKOFF_MIN_MS_DEFAULT} ms.
     */
    public long retryBackoffMinNs()
    {
        return retryBackoffMinNs;
    }

    public ConsistencyPointContext retryBackoffMinNs(final long retryBackoffMinNs)
    {
        this.retryBackoffMinNs = retryBackoffMinNs;
        return this;
    }

    /**
     * @return the longest wait between failed CPs; default {@link #RETRY_BACKOFF_MAX_MS_DEFAULT} ms.
     */
    public long retryBackoffMaxNs()
    {
        return retryBackoffMaxNs;
    }

    public ConsistencyPointContext retryBackoffMaxNs(final long retryBackoffMaxNs)
    {
        this.retryBackoffMaxNs = retryBackoffMaxNs;
        return this;
    }

    /**
     * @return CPs failing in a row on I/O errors other than {@link CpFailure#POOL_FULL} after which
     * {@link ConsistencyPoint#isExhausted()}; default {@link #MAX_CONSECUTIVE_FAILURES_DEFAULT}.
     */
    public int maxConsecutiveFailures()
    {
        return maxConsecutiveFailures;
    }

    public ConsistencyPointContext maxConsecutiveFailures(final int maxConsecutiveFailures)
    {
        this.maxConsecutiveFailures = maxConsecutiveFailures;
        return this;
    }

    /**
     * @return where the blocking steps run (the fencing check, the pool's flush, the superblock update), one at a
     * time; default a daemon thread of its own, shut down by {@link ConsistencyPoint#close()}.
     */
    public Executor ioExecutor()
    {
        return ioExecutor;
    }

    public ConsistencyPointContext ioExecutor(final Executor ioExecutor)
    {
        this.ioExecutor = ioExecutor;
        return this;
    }

    ExecutorService ownedIoExecutor()
    {
        return ownedIoExecutor;
    }

    /**
     * @return whether a CP forces the pool's writes to the disk before it records its LSN: what a CP must do when
     * the NVLog is forced too (durability {@code power}). At {@code process} durability the log is not forced, so
     * neither need the pool be: destaged pages are in the kernel once written, which kill -9 cannot undo, and a
     * force would only make every CP wait for the disk. Default true.
     */
    public boolean forcePool()
    {
        return forcePool;
    }

    public ConsistencyPointContext forcePool(final boolean forcePool)
    {
        this.forcePool = forcePool;
        return this;
    }

    /**
     * @return run on the I/O executor after each blocking step, once its outcome is visible: wakes the agent that
     * polls for it; or null.
     */
    public Runnable onStepDone()
    {
        return onStepDone;
    }

    public ConsistencyPointContext onStepDone(final Runnable onStepDone)
    {
        this.onStepDone = onStepDone;
        return this;
    }

    /**
     * @return the clock CP durations are measured on; pass its time to {@link ConsistencyPoint#doWork(long)}.
     */
    public NanoClock nanoClock()
    {
        return nanoClock;
    }

    public ConsistencyPointContext nanoClock(final NanoClock nanoClock)
    {
        this.nanoClock = nanoClock;
        return this;
    }

    public ConsistencyPointListener listener()
    {
        return listener;
    }

    public ConsistencyPointContext listener(final ConsistencyPointListener listener)
    {
        this.listener = listener;
        return this;
    }
}
