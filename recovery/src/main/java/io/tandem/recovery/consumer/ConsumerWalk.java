package io.tandem.recovery.consumer;

import io.tandem.recovery.graph.AntecedenceGraph;
import io.tandem.recovery.graph.FailurePolicy;
import io.tandem.recovery.graph.GraphEngine;
import io.tandem.recovery.graph.GraphEngineContext;
import io.tandem.recovery.graph.GraphListener;
import io.tandem.recovery.graph.GraphResult;
import io.tandem.recovery.graph.GraphRun;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.SystemEpochClock;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * One walk of a {@link ConsumerGraph} for one operation: consumers with no dependency between them run at the
 * same time (up to the engine's parallelism), a consumer runs only once everything it depends on is done, and a
 * failing consumer stops its dependents, which end SKIPPED, while consumers that do not need it go on. Once
 * nothing more can run, a failed walk undoes its done consumers in the reverse order they finished.
 * <p>
 * A walk interrupted by a crash is resumed by a new walk of the same operation given the names the journal
 * says were done ({@link #resume(Set)}): those start DONE, marked resumed, and are neither run nor undone again.
 * A takeover, recorded in the journal and resumed from it after a crash:
 * <pre>
 *   String op = "takeover-epoch-" + newEpoch;
 *   Set&lt;String&gt; done = JournalResume.completedConsumers(reader, op);   // empty on a first run
 *   WalkResult result = takeover.walk(op)
 *       .resume(done)
 *       .listener(journal.consumerListener())
 *       .run();
 *   if (!result.passed())
 *   {
 *       log(result.snapshot().failed());   // consumer name -&gt; cause; dependents are SKIPPED
 *   }
 * </pre>
 * <p>
 * Configure, then {@link #run()} it on the calling thread, or {@link #start()} it and step the returned agent,
 * then {@link #close()}. Unless given an engine context, a walk runs on its own engine with
 * {@link FailurePolicy#SKIP_DEPENDENTS} and the default parallelism and timeouts.
 * <p>
 * Not thread-safe, except {@link #snapshot()}, which any thread may call while the walk runs.
 */
public final class ConsumerWalk implements AutoCloseable
{
    private final ConsumerGraph graph;
    private final String operationId;
    private final AtomicReferenceArray<ConsumerStatus> statuses;
    private final Map<String, ConsumerContext> contexts = new HashMap<>();
    private Set<String> resumed = Set.of();
    private ConsumerListener listener = ConsumerListener.NONE;
    private EpochClock epochClock = SystemEpochClock.INSTANCE;
    private GraphEngineContext engineContext;
    private GraphEngine engine;
    private GraphRun<ConsumerWalk> run;

    ConsumerWalk(final ConsumerGraph graph, final String operationId)
    {
        if (null == operationId || operationId.isEmpty())
        {
            throw new IllegalArgumentException("a walk needs an operation id");
        }
        this.graph = graph;
        this.operationId = operationId;
        final List<String> names = graph.consumers();
        this.statuses = new AtomicReferenceArray<>(names.size());
        for (int i = 0; i < names.size(); i++)
        {
            statuses.set(i, ConsumerStatus.pending(names.get(i)));
            contexts.put(names.get(i), new ConsumerContext(operationId, names.get(i)));
        }
    }

    /**
     * @param completed the consumers an earlier walk of this operation finished; names the graph does not have
     *                  are ignored.
     */
    public ConsumerWalk resume(final Set<String> completed)
    {
        checkNotStarted();
        this.resumed = Set.copyOf(completed);
        return this;
    }

    public ConsumerWalk listener(final ConsumerListener listener)
    {
        checkNotStarted();
        this.listener = listener;
        return this;
    }

    /**
     * @param epochClock stamps the statuses' start and end times.
     */
    public ConsumerWalk epochClock(final EpochClock epochClock)
    {
        checkNotStarted();
        this.epochClock = epochClock;
        return this;
    }

    /**
     * @param engineContext not yet concluded; the walk concludes it, adding its own listener after any set.
     */
    public ConsumerWalk engineContext(final GraphEngineContext engineContext)
    {
        checkNotStarted();
        this.engineContext = engineContext;
        return this;
    }

    public String operationId()
    {
        return operationId;
    }

    /**
     * Starts the walk: nothing runs until the returned agent's first {@code doWork()}.
     */
    public GraphRun<ConsumerWalk> start()
    {
        checkNotStarted();
        final GraphEngineContext ctx = null == engineContext ?
            new GraphEngineContext().failurePolicy(FailurePolicy.SKIP_DEPENDENTS) : engineContext;
        ctx.listener(new Tracker(ctx.listener()));
        final AntecedenceGraph<ConsumerWalk> antecedence = graph.graph();
        final long nowMs = epochClock.time();
        for (int n = 0; n < antecedence.size(); n++)
        {
            if (resumed.contains(antecedence.nameOf(n)))
            {
                statuses.set(n, new ConsumerStatus(antecedence.nameOf(n), ConsumerState.DONE, nowMs, nowMs,
                    null, true));
            }
        }
        engine = new GraphEngine(ctx);
        run = engine.start(antecedence, this, null);
        return run;
    }

    /**
     * Runs the walk to its end on the calling thread and closes its engine.
     */
    public WalkResult run() throws InterruptedException
    {
        try
        {
            GraphEngine.drive(start());
            return result();
        }
        finally
        {
            close();
        }
    }

    /**
     * @return how the walk ended, or null while it runs.
     */
    public WalkResult result()
    {
        final GraphResult graphResult = null == run ? null : run.result();
        return null == graphResult ? null : new WalkResult(graphResult.passed(), snapshot(), graphResult);
    }

    /**
     * @return every consumer's status now; safe from any thread.
     */
    public WalkSnapshot snapshot()
    {
        final List<ConsumerStatus> copy = new ArrayList<>(statuses.length());
        for (int i = 0; i < statuses.length(); i++)
        {
            copy.add(statuses.get(i));
        }
        return new WalkSnapshot(graph, operationId, copy);
    }

    /**
     * Stops the walk's engine; consumers still running are interrupted.
     */
    public void close()
    {
        if (null != engine)
        {
            engine.close();
        }
    }

    boolean isResumed(final String consumer)
    {
        return resumed.contains(consumer);
    }

    ConsumerContext contextOf(final String consumer)
    {
        return contexts.get(consumer);
    }

    private void checkNotStarted()
    {
        if (null != run)
        {
            throw new IllegalStateException("walk of " + operationId + " already started");
        }
    }

    /**
     * Turns the engine's action events into consumer statuses and the consumer listener's calls.
     */
    private final class Tracker implements GraphListener
    {
        private final GraphListener next;

        Tracker(final GraphListener next)
        {
            this.next = null == next ? GraphListener.NONE : next;
        }

        public void onStarted(final String graphName, final int attempt, final String action)
        {
            if (move(action, ConsumerState.RUNNING, null))
            {
                listener.onConsumerStart(operationId, action);
            }
            next.onStarted(graphName, attempt, action);
        }

        public void onPassed(final String graphName, final int attempt, final String action)
        {
            end(action, ConsumerState.DONE, null);
            next.onPassed(graphName, attempt, action);
        }

        public void onFailed(final String graphName, final int attempt, final String action, final Throwable cause)
        {
            end(action, ConsumerState.FAILED, cause);
            next.onFailed(graphName, attempt, action, cause);
        }

        public void onSkipped(final String graphName, final int attempt, final String action)
        {
            end(action, ConsumerState.SKIPPED, null);
            next.onSkipped(graphName, attempt, action);
        }

        public void onUndone(final String graphName, final int attempt, final String action)
        {
            end(action, ConsumerState.UNDONE, null);
            next.onUndone(graphName, attempt, action);
        }

        public void onUndoFailed(
            final String graphName, final int attempt, final String action, final Throwable cause)
        {
            end(action, ConsumerState.UNDO_FAILED, cause);
            next.onUndoFailed(graphName, attempt, action, cause);
        }

        private void end(final String action, final ConsumerState state, final Throwable cause)
        {
            if (move(action, state, cause))
            {
                final ConsumerStatus status = statuses.get(graph.graph().indexOf(action));
                listener.onConsumerEnd(operationId, action, state, cause, status.durationMs());
            }
        }

        /**
         * @return false for a resumed consumer, whose status stays DONE (resumed) whatever the engine does.
         */
        private boolean move(final String action, final ConsumerState state, final Throwable cause)
        {
            if (resumed.contains(action))
            {
                return false;
            }
            final int node = graph.graph().indexOf(action);
            statuses.set(node, statuses.get(node).to(state, epochClock.time(), cause));
            return true;
        }
    }
}
