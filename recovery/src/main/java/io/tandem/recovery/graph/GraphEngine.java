package io.tandem.recovery.graph;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs recovery operations: antecedence graphs of DO/UNDO actions with backward error recovery (Courtright and
 * Gibson). {@link #start} returns a {@link GraphRun} to step as an agent; {@link #run} drives one to its end on
 * the calling thread.
 * <p>
 * Without an executor in the context, the engine makes its own pool of daemon threads named
 * {@code recovery-action-N}. The pool grows on demand and idle threads die after 30 s; parallelism is bounded by
 * each run ({@link GraphEngineContext#maxParallelism()}), not by the pool, so a thread abandoned by a timed-out
 * action that ignores its interrupt costs one thread and never blocks the next action.
 * <p>
 * Thread-safe: runs may be started from any thread; each run is driven by one.
 */
public final class GraphEngine implements AutoCloseable
{
    private final GraphEngineContext ctx;
    private final Executor executor;
    private final ExecutorService ownedPool;

    /**
     * @param ctx concluded here.
     */
    public GraphEngine(final GraphEngineContext ctx)
    {
        this.ctx = ctx.conclude();
        if (null == ctx.executor())
        {
            final AtomicInteger threadCount = new AtomicInteger();
            ownedPool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                runnable ->
                {
                    final Thread thread = new Thread(runnable, "recovery-action-" + threadCount.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
            executor = ownedPool;
        }
        else
        {
            ownedPool = null;
            executor = ctx.executor();
        }
    }

    public GraphEngineContext context()
    {
        return ctx;
    }

    /**
     * Starts an operation; nothing is dispatched until the returned run's first {@link GraphRun#doWork()}.
     *
     * @param errorHandler chooses the graph after a failure; null to give up at the first.
     */
    public <S> GraphRun<S> start(final AntecedenceGraph<S> graph, final S state, final ErrorHandler<S> errorHandler)
    {
        return new GraphRun<>(ctx, executor, graph, state, errorHandler);
    }

    /**
     * Runs an operation to its end on the calling thread, blocking between steps.
     *
     * @throws InterruptedException if the calling thread is interrupted; actions in flight are left running.
     */
    public <S> GraphResult run(final AntecedenceGraph<S> graph, final S state, final ErrorHandler<S> errorHandler)
        throws InterruptedException
    {
        return drive(start(graph, state, errorHandler));
    }

    /**
     * Drives a started run to its end on the calling thread.
     */
    public static GraphResult drive(final GraphRun<?> run) throws InterruptedException
    {
        while (!run.isDone())
        {
            if (0 == run.doWork())
            {
                run.awaitWork();
            }
        }
        return run.result();
    }

    /**
     * Stops the engine's own pool, interrupting what still runs on it; an executor from the context is left
     * alone.
     */
    public void close()
    {
        if (null != ownedPool)
        {
            ownedPool.shutdownNow();
        }
    }
}
