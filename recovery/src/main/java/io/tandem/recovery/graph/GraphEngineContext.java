package io.tandem.recovery.graph;

import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Configuration of a {@link GraphEngine}, concluded once by {@link GraphEngine#GraphEngine(GraphEngineContext)}.
 * Every setting has a default that works with no configuration, read from a system property where one is named.
 * <p>
 * Not thread-safe: fill it on one thread, then hand it to the engine.
 */
public final class GraphEngineContext
{
    public static final String MAX_PARALLELISM_PROP_NAME = "tandem.recovery.maxParallelism";
    /** Recovery actions mostly wait on I/O, so a few more than the 2 cores of the reference machine. */
    public static final int MAX_PARALLELISM_DEFAULT = 4;

    public static final String ACTION_TIMEOUT_PROP_NAME = "tandem.recovery.actionTimeoutMs";
    public static final long ACTION_TIMEOUT_DEFAULT_MS = 30_000;

    public static final String INTERRUPT_GRACE_PROP_NAME = "tandem.recovery.interruptGraceMs";
    public static final long INTERRUPT_GRACE_DEFAULT_MS = 1_000;

    public static final String MAX_ATTEMPTS_PROP_NAME = "tandem.recovery.maxAttempts";
    public static final int MAX_ATTEMPTS_DEFAULT = 3;

    public static final String FAILURE_POLICY_PROP_NAME = "tandem.recovery.failurePolicy";
    public static final FailurePolicy FAILURE_POLICY_DEFAULT = FailurePolicy.HALT;

    private int maxParallelism = Integer.getInteger(MAX_PARALLELISM_PROP_NAME, MAX_PARALLELISM_DEFAULT);
    private long actionTimeoutNs = TimeUnit.MILLISECONDS.toNanos(
        Long.getLong(ACTION_TIMEOUT_PROP_NAME, ACTION_TIMEOUT_DEFAULT_MS));
    private long interruptGraceNs = TimeUnit.MILLISECONDS.toNanos(
        Long.getLong(INTERRUPT_GRACE_PROP_NAME, INTERRUPT_GRACE_DEFAULT_MS));
    private int maxAttempts = Integer.getInteger(MAX_ATTEMPTS_PROP_NAME, MAX_ATTEMPTS_DEFAULT);
    private FailurePolicy failurePolicy = FailurePolicy.valueOf(
        System.getProperty(FAILURE_POLICY_PROP_NAME, FAILURE_POLICY_DEFAULT.name()));
    private Executor executor;
    private NanoClock nanoClock;
    private GraphListener listener;
    private boolean concluded;

    /**
     * Checks every setting and fills the defaults that need objects.
     *
     * @return this.
     * @throws IllegalArgumentException naming the setting that is wrong.
     */
    public GraphEngineContext conclude()
    {
        if (concluded)
        {
            throw new IllegalStateException("context already concluded");
        }
        if (maxParallelism < 1)
        {
            throw new IllegalArgumentException("maxParallelism must be >= 1: " + maxParallelism);
        }
        if (actionTimeoutNs <= 0)
        {
            throw new IllegalArgumentException("actionTimeoutNs must be > 0: " + actionTimeoutNs);
        }
        if (interruptGraceNs < 0)
        {
            throw new IllegalArgumentException("interruptGraceNs must be >= 0: " + interruptGraceNs);
        }
        if (maxAttempts < 1)
        {
            throw new IllegalArgumentException("maxAttempts must be >= 1: " + maxAttempts);
        }
        if (null == failurePolicy)
        {
            throw new IllegalArgumentException("failurePolicy must be set");
        }
        if (null == nanoClock)
        {
            nanoClock = SystemNanoClock.INSTANCE;
        }
        if (null == listener)
        {
            listener = GraphListener.NONE;
        }
        concluded = true;
        return this;
    }

    /**
     * @return the most actions (DO or UNDO) of one run in flight at once.
     */
    public int maxParallelism()
    {
        return maxParallelism;
    }

    public GraphEngineContext maxParallelism(final int maxParallelism)
    {
        this.maxParallelism = maxParallelism;
        return this;
    }

    /**
     * @return the timeout of an action that names none, counted from its dispatch.
     */
    public long actionTimeoutNs()
    {
        return actionTimeoutNs;
    }

    public GraphEngineContext actionTimeoutNs(final long actionTimeoutNs)
    {
        this.actionTimeoutNs = actionTimeoutNs;
        return this;
    }

    /**
     * @return how long after interrupting a timed-out action the engine waits for its thread to return before
     * it gives up on it, reports it abandoned and goes on.
     */
    public long interruptGraceNs()
    {
        return interruptGraceNs;
    }

    public GraphEngineContext interruptGraceNs(final long interruptGraceNs)
    {
        this.interruptGraceNs = interruptGraceNs;
        return this;
    }

    /**
     * @return the most graphs one operation runs: the first and the error handler's choices after it.
     */
    public int maxAttempts()
    {
        return maxAttempts;
    }

    public GraphEngineContext maxAttempts(final int maxAttempts)
    {
        this.maxAttempts = maxAttempts;
        return this;
    }

    public FailurePolicy failurePolicy()
    {
        return failurePolicy;
    }

    public GraphEngineContext failurePolicy(final FailurePolicy failurePolicy)
    {
        this.failurePolicy = failurePolicy;
        return this;
    }

    /**
     * @return the executor that runs DOs and UNDOs, or null for the engine's own pool. The engine never has more
     * than {@link #maxParallelism()} of one run on it, so it may be unbounded; a bounded one that queues counts
     * the queueing time against the action's timeout.
     */
    public Executor executor()
    {
        return executor;
    }

    public GraphEngineContext executor(final Executor executor)
    {
        this.executor = executor;
        return this;
    }

    public NanoClock nanoClock()
    {
        return nanoClock;
    }

    /**
     * @param nanoClock the clock deadlines are measured on; tests step one by hand.
     */
    public GraphEngineContext nanoClock(final NanoClock nanoClock)
    {
        this.nanoClock = nanoClock;
        return this;
    }

    public GraphListener listener()
    {
        return listener;
    }

    /**
     * @param listener hears every action of every run of the engine.
     */
    public GraphEngineContext listener(final GraphListener listener)
    {
        this.listener = listener;
        return this;
    }
}
