package io.tandem.recovery.graph;

import org.agrona.collections.IntArrayQueue;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;

import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One operation: a graph run to its end, with backward error recovery and bounded retries. An explicit state
 * machine stepped by {@link #doWork()}, which reads the clock once, takes in the actions that finished, enforces
 * deadlines and moves on:
 * <pre>
 *   DISPATCHING --(an action failed)--> QUIESCING --(none in flight)--> UNDOING --> RELEASING --> HANDLING_ERROR
 *        |                                                                             ^             |
 *        \--(all passed)------------------------------------------------------------- /             |
 *   RELEASING --(passed)--> PASSED              HANDLING_ERROR --(next graph)--> DISPATCHING (next attempt)
 *                                               HANDLING_ERROR --(none, or attempts used up)--> FAILED
 * </pre>
 * With {@link FailurePolicy#SKIP_DEPENDENTS} a failure skips the failed action's dependents and the run stays
 * DISPATCHING until nothing more can run; it then backs out as above.
 * <p>
 * DOs and UNDOs run on the executor; everything else (listener callbacks, the release step, the error handler)
 * runs on the thread that calls {@link #doWork()}. Completed actions are undone one at a time in the reverse of
 * the order in which the engine saw them pass.
 * <p>
 * Not thread-safe: one thread drives it (as an {@link Agent} or through {@link GraphEngine#run}). Its
 * {@link #progress()} may be read from any thread.
 *
 * @param <S> the state the operation works on.
 */
public final class GraphRun<S> implements Agent
{
    /** Where the operation stands. */
    public enum Phase
    {
        DISPATCHING, QUIESCING, UNDOING, RELEASING, HANDLING_ERROR, PASSED, FAILED
    }

    private static final long IDLE_WAIT_MAX_NS = TimeUnit.MILLISECONDS.toNanos(100);

    private final Executor executor;
    private final NanoClock nanoClock;
    private final GraphListener listener;
    private final FailurePolicy policy;
    private final int maxParallelism;
    private final int maxAttempts;
    private final long defaultTimeoutNs;
    private final long interruptGraceNs;
    private final S state;
    private final ErrorHandler<S> errorHandler;
    private final GraphProgress progress = new GraphProgress();
    private final LinkedBlockingQueue<ActionTask<S>> completions = new LinkedBlockingQueue<>();
    private final ArrayDeque<ActionTask<S>> early = new ArrayDeque<>();
    private final IntArrayQueue ready = new IntArrayQueue();
    private final List<GraphFailure> failures = new ArrayList<>();

    private Phase phase;
    private GraphResult result;

    // the current attempt
    private AntecedenceGraph<S> graph;
    private int attempt;
    private ActionState[] states;
    private int[] waiting;
    private List<ActionTask<S>> tasks;
    private long[] deadlineNs;
    private boolean[] interrupted;
    private int[] passedOrder;
    private int passedCount;
    private int undoCursor;
    private int inFlight;
    private int firstFailed;
    private Throwable firstCause;
    private boolean releaseFailed;
    private Map<String, Throwable> otherFailures;
    private Map<String, Throwable> undoFailures;
    private List<String> abandoned;

    GraphRun(
        final GraphEngineContext ctx,
        final Executor executor,
        final AntecedenceGraph<S> graph,
        final S state,
        final ErrorHandler<S> errorHandler)
    {
        this.executor = executor;
        this.nanoClock = ctx.nanoClock();
        this.listener = ctx.listener();
        this.policy = ctx.failurePolicy();
        this.maxParallelism = ctx.maxParallelism();
        this.maxAttempts = ctx.maxAttempts();
        this.defaultTimeoutNs = ctx.actionTimeoutNs();
        this.interruptGraceNs = ctx.interruptGraceNs();
        this.state = state;
        this.errorHandler = null == errorHandler ? ErrorHandler.giveUp() : errorHandler;
        startAttempt(graph, 1);
    }

    public String roleName()
    {
        return "recovery-" + graph.name();
    }

    /**
     * @return true once the operation passed or failed for good.
     */
    public boolean isDone()
    {
        return null != result;
    }

    /**
     * @return how the operation ended, or null while it runs.
     */
    public GraphResult result()
    {
        return result;
    }

    public Phase phase()
    {
        return phase;
    }

    /**
     * @return counters and states, readable from any thread.
     */
    public GraphProgress progress()
    {
        return progress;
    }

    public int doWork()
    {
        if (null != result)
        {
            return 0;
        }
        final long nowNs = nanoClock.nanoTime();
        int work = drainCompletions();
        work += enforceDeadlines(nowNs);
        switch (phase)
        {
            case DISPATCHING -> work += dispatch(nowNs);
            case QUIESCING ->
            {
                if (0 == inFlight)
                {
                    phase = Phase.UNDOING;
                    undoCursor = passedCount;
                    work++;
                }
            }
            case UNDOING -> work += undoNext(nowNs);
            case RELEASING -> work += release();
            case HANDLING_ERROR -> work += handleError();
            default ->
            {
            }
        }
        return work;
    }

    /**
     * Blocks until an action finishes, the next deadline comes, or at most 100 ms pass; for a driver with
     * nothing else to do between {@link #doWork()} calls that returned 0.
     */
    public void awaitWork() throws InterruptedException
    {
        if (!early.isEmpty() || null != result)
        {
            return;
        }
        long waitNs = IDLE_WAIT_MAX_NS;
        final long nowNs = nanoClock.nanoTime();
        for (int n = 0; n < deadlineNs.length; n++)
        {
            if (null != tasks.get(n))
            {
                waitNs = Math.min(waitNs, deadlineNs[n] - nowNs);
            }
        }
        if (waitNs > 0)
        {
            final ActionTask<S> task = completions.poll(waitNs, TimeUnit.NANOSECONDS);
            if (null != task)
            {
                early.add(task);
            }
        }
    }

    private void startAttempt(final AntecedenceGraph<S> next, final int attemptNumber)
    {
        final int size = next.size();
        graph = next;
        attempt = attemptNumber;
        states = new ActionState[size];
        Arrays.fill(states, ActionState.PENDING);
        waiting = new int[size];
        tasks = new ArrayList<>(Collections.nCopies(size, null));
        deadlineNs = new long[size];
        interrupted = new boolean[size];
        passedOrder = new int[size];
        passedCount = 0;
        undoCursor = 0;
        inFlight = 0;
        firstFailed = -1;
        firstCause = null;
        releaseFailed = false;
        otherFailures = new LinkedHashMap<>();
        undoFailures = new LinkedHashMap<>();
        abandoned = new ArrayList<>();
        ready.clear();
        progress.startAttempt(next, attemptNumber);
        for (int n = 0; n < size; n++)
        {
            waiting[n] = next.antecedentCount(n);
            if (0 == waiting[n])
            {
                ready.addInt(n);
            }
        }
        phase = Phase.DISPATCHING;
    }

    private int drainCompletions()
    {
        int work = 0;
        ActionTask<S> task;
        while (null != (task = early.poll()) || null != (task = completions.poll()))
        {
            onCompletion(task);
            work++;
        }
        return work;
    }

    private void onCompletion(final ActionTask<S> task)
    {
        final int node = task.node;
        if (task.attempt != attempt || tasks.get(node) != task)
        {
            return; // from an earlier attempt, or abandoned after its grace
        }
        tasks.set(node, null);
        inFlight--;
        final Throwable cause = task.cause();
        if (interrupted[node])
        {
            return; // already counted as failed when it timed out
        }
        if (task.undo)
        {
            if (null == cause)
            {
                setState(node, ActionState.UNDONE);
                notify(Event.UNDONE, node, null);
            }
            else
            {
                undoFailed(node, cause);
            }
        }
        else if (null == cause)
        {
            setState(node, ActionState.PASSED);
            passedOrder[passedCount++] = node;
            notify(Event.PASSED, node, null);
            if (Phase.DISPATCHING == phase)
            {
                for (int i = 0; i < graph.dependentCount(node); i++)
                {
                    final int dependent = graph.dependent(node, i);
                    if (0 == --waiting[dependent] && ActionState.PENDING == states[dependent])
                    {
                        ready.addInt(dependent);
                    }
                }
            }
        }
        else
        {
            failed(node, ActionState.FAILED, cause);
        }
    }

    private int enforceDeadlines(final long nowNs)
    {
        int work = 0;
        for (int n = 0; n < deadlineNs.length; n++)
        {
            final ActionTask<S> task = tasks.get(n);
            if (null == task || nowNs - deadlineNs[n] < 0)
            {
                continue;
            }
            work++;
            if (!interrupted[n])
            {
                interrupted[n] = true;
                task.interrupt();
                deadlineNs[n] = nowNs + interruptGraceNs;
                final long timeoutMs = TimeUnit.NANOSECONDS.toMillis(timeoutNs(n));
                final ActionTimeoutException timeout = new ActionTimeoutException(
                    (task.undo ? "undo of '" : "'") + graph.nameOf(n) + "' timed out after " + timeoutMs + " ms");
                if (task.undo)
                {
                    undoFailed(n, timeout);
                }
                else
                {
                    failed(n, ActionState.TIMED_OUT, timeout);
                }
            }
            else
            {
                // interrupted and still running after the grace: stop waiting for it
                tasks.set(n, null);
                inFlight--;
                abandoned.add(graph.nameOf(n));
            }
        }
        return work;
    }

    private int dispatch(final long nowNs)
    {
        int work = 0;
        while (inFlight < maxParallelism && !ready.isEmpty())
        {
            final int node = ready.pollInt();
            if (ActionState.PENDING == states[node])
            {
                setState(node, ActionState.RUNNING);
                notify(Event.STARTED, node, null);
                submit(node, false, nowNs);
                work++;
            }
        }
        if (0 == inFlight && ready.isEmpty() && Phase.DISPATCHING == phase)
        {
            phase = firstFailed >= 0 ? Phase.UNDOING : Phase.RELEASING;
            undoCursor = passedCount;
            work++;
        }
        return work;
    }

    private void submit(final int node, final boolean undo, final long nowNs)
    {
        final ActionTask<S> task = new ActionTask<>(attempt, node, undo, graph.action(node), state, completions);
        tasks.set(node, task);
        interrupted[node] = false;
        deadlineNs[node] = nowNs + timeoutNs(node);
        inFlight++;
        try
        {
            executor.execute(task);
        }
        catch (final RejectedExecutionException ex)
        {
            tasks.set(node, null);
            inFlight--;
            if (undo)
            {
                undoFailed(node, ex);
            }
            else
            {
                failed(node, ActionState.FAILED, ex);
            }
        }
    }

    private long timeoutNs(final int node)
    {
        final long own = graph.timeoutNs(node);
        return AntecedenceGraph.DEFAULT_TIMEOUT == own ? defaultTimeoutNs : own;
    }

    private void failed(final int node, final ActionState failedState, final Throwable cause)
    {
        setState(node, failedState);
        notify(Event.FAILED, node, cause);
        if (firstFailed < 0)
        {
            firstFailed = node;
            firstCause = cause;
        }
        else
        {
            otherFailures.put(graph.nameOf(node), cause);
        }
        if (FailurePolicy.HALT == policy)
        {
            if (Phase.DISPATCHING == phase)
            {
                phase = Phase.QUIESCING;
            }
            ready.clear();
            for (int n = 0; n < states.length; n++)
            {
                if (ActionState.PENDING == states[n])
                {
                    skip(n);
                }
            }
        }
        else
        {
            skipDependents(node);
        }
    }

    private void skipDependents(final int node)
    {
        for (int i = 0; i < graph.dependentCount(node); i++)
        {
            final int dependent = graph.dependent(node, i);
            if (ActionState.PENDING == states[dependent])
            {
                skip(dependent);
                skipDependents(dependent);
            }
        }
    }

    private void skip(final int node)
    {
        setState(node, ActionState.SKIPPED);
        notify(Event.SKIPPED, node, null);
    }

    private void undoFailed(final int node, final Throwable cause)
    {
        setState(node, ActionState.UNDO_FAILED);
        undoFailures.put(graph.nameOf(node), cause);
        notify(Event.UNDO_FAILED, node, cause);
    }

    private int undoNext(final long nowNs)
    {
        if (inFlight > 0)
        {
            return 0;
        }
        if (undoCursor > 0)
        {
            final int node = passedOrder[--undoCursor];
            setState(node, ActionState.UNDOING);
            submit(node, true, nowNs);
            return 1;
        }
        phase = Phase.RELEASING;
        return 1;
    }

    private int release()
    {
        final Action.Step<S> release = graph.release();
        if (null != release)
        {
            try
            {
                release.run(state);
            }
            catch (final Exception ex)
            {
                releaseFailed = true;
                if (firstFailed < 0 && null == firstCause)
                {
                    firstCause = ex;
                }
                else
                {
                    otherFailures.put("release", ex);
                }
            }
        }
        if (firstFailed < 0 && !releaseFailed)
        {
            phase = Phase.PASSED;
            result = new GraphResult(true, attempt, graph.name(), List.copyOf(failures), null, false);
        }
        else
        {
            phase = Phase.HANDLING_ERROR;
        }
        return 1;
    }

    private int handleError()
    {
        final GraphFailure failure = new GraphFailure(
            graph.name(), attempt, firstFailed < 0 ? null : graph.nameOf(firstFailed), firstCause,
            Collections.unmodifiableMap(otherFailures), Collections.unmodifiableMap(undoFailures),
            List.copyOf(abandoned));
        failures.add(failure);
        final AntecedenceGraph<S> next;
        try
        {
            next = errorHandler.recover(failure, state);
        }
        catch (final Exception ex)
        {
            end(ex, false);
            return 1;
        }
        if (null == next)
        {
            end(null, false);
        }
        else if (attempt >= maxAttempts)
        {
            end(null, true);
        }
        else
        {
            startAttempt(next, attempt + 1);
        }
        return 1;
    }

    private void end(final Throwable handlerError, final boolean retriesExhausted)
    {
        phase = Phase.FAILED;
        result = new GraphResult(false, attempt, graph.name(), List.copyOf(failures), handlerError, retriesExhausted);
    }

    private void setState(final int node, final ActionState actionState)
    {
        states[node] = actionState;
        progress.state(node, actionState);
    }

    private enum Event
    {
        STARTED, PASSED, FAILED, SKIPPED, UNDONE, UNDO_FAILED
    }

    private void notify(final Event event, final int node, final Throwable cause)
    {
        final String graphName = graph.name();
        final String action = graph.nameOf(node);
        try
        {
            switch (event)
            {
                case STARTED -> listener.onStarted(graphName, attempt, action);
                case PASSED -> listener.onPassed(graphName, attempt, action);
                case FAILED -> listener.onFailed(graphName, attempt, action, cause);
                case SKIPPED -> listener.onSkipped(graphName, attempt, action);
                case UNDONE -> listener.onUndone(graphName, attempt, action);
                case UNDO_FAILED -> listener.onUndoFailed(graphName, attempt, action, cause);
            }
        }
        catch (final RuntimeException ex)
        {
            progress.listenerError();
        }
    }
}
