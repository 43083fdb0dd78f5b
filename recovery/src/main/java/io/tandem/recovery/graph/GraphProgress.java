package io.tandem.recovery.graph;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Counters and per-action states of one operation, written by the thread driving it and readable from any
 * thread while it runs. Counters add up over every attempt; states are those of the current attempt's graph.
 * <p>
 * Thread-safe: one writer, any number of readers; a reader sees each value whole but not a consistent cut
 * across them.
 */
public final class GraphProgress
{
    private final AtomicLong started = new AtomicLong();
    private final AtomicLong passed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong timedOut = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong undone = new AtomicLong();
    private final AtomicLong undoFailed = new AtomicLong();
    private final AtomicLong listenerErrors = new AtomicLong();
    private volatile int attempt;
    private volatile AntecedenceGraph<?> graph;
    private volatile AtomicReferenceArray<ActionState> states = new AtomicReferenceArray<>(0);

    void startAttempt(final AntecedenceGraph<?> graph, final int attempt)
    {
        final AtomicReferenceArray<ActionState> fresh = new AtomicReferenceArray<>(graph.size());
        for (int i = 0; i < graph.size(); i++)
        {
            fresh.lazySet(i, ActionState.PENDING);
        }
        this.states = fresh;
        this.graph = graph;
        this.attempt = attempt;
    }

    void state(final int node, final ActionState state)
    {
        states.set(node, state);
        switch (state)
        {
            case RUNNING -> started.incrementAndGet();
            case PASSED -> passed.incrementAndGet();
            case FAILED -> failed.incrementAndGet();
            case TIMED_OUT -> timedOut.incrementAndGet();
            case SKIPPED -> skipped.incrementAndGet();
            case UNDONE -> undone.incrementAndGet();
            case UNDO_FAILED -> undoFailed.incrementAndGet();
            default ->
            {
            }
        }
    }

    void listenerError()
    {
        listenerErrors.incrementAndGet();
    }

    /**
     * @return the state of the named action in the current attempt, or null if the current graph has none.
     */
    public ActionState state(final String action)
    {
        final AntecedenceGraph<?> current = graph;
        final AtomicReferenceArray<ActionState> currentStates = states;
        if (null == current)
        {
            return null;
        }
        final int node = current.indexOf(action);
        return node < 0 || node >= currentStates.length() ? null : currentStates.get(node);
    }

    /**
     * @return the graph of the current attempt, or null before the first.
     */
    public AntecedenceGraph<?> graph()
    {
        return graph;
    }

    public int attempt()
    {
        return attempt;
    }

    public long started()
    {
        return started.get();
    }

    public long passed()
    {
        return passed.get();
    }

    /**
     * @return DOs that threw; timeouts are counted apart in {@link #timedOut()}.
     */
    public long failed()
    {
        return failed.get();
    }

    public long timedOut()
    {
        return timedOut.get();
    }

    public long skipped()
    {
        return skipped.get();
    }

    public long undone()
    {
        return undone.get();
    }

    public long undoFailed()
    {
        return undoFailed.get();
    }

    public long listenerErrors()
    {
        return listenerErrors.get();
    }

    public String toString()
    {
        return "GraphProgress{attempt=" + attempt + ", started=" + started + ", passed=" + passed +
            ", failed=" + failed + ", timedOut=" + timedOut + ", skipped=" + skipped + ", undone=" + undone +
            ", undoFailed=" + undoFailed + '}';
    }
}
