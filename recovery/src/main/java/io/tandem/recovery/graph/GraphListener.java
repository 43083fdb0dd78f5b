package io.tandem.recovery.graph;

/**
 * Hears what happens to each action of a graph run. Every callback is made on the thread that drives the run
 * (the one calling {@link GraphRun#doWork()}), one at a time, in the order things were observed; a callback
 * for an action's passing comes before any of its dependents is dispatched.
 * <p>
 * Callbacks must not block: they hold up the whole run. An exception thrown by a callback is caught, counted
 * in {@link GraphProgress#listenerErrors()} and otherwise ignored.
 */
public interface GraphListener
{
    /** Does nothing; the default. */
    GraphListener NONE = new GraphListener()
    {
    };

    /**
     * @param attempt 1 for the first graph of an operation, 2 for the graph the error handler chose next, ...
     */
    default void onStarted(final String graph, final int attempt, final String action)
    {
    }

    default void onPassed(final String graph, final int attempt, final String action)
    {
    }

    /**
     * @param cause what the DO threw, or an {@link ActionTimeoutException}.
     */
    default void onFailed(final String graph, final int attempt, final String action, final Throwable cause)
    {
    }

    /**
     * The action was not run because the graph failed before its turn.
     */
    default void onSkipped(final String graph, final int attempt, final String action)
    {
    }

    default void onUndone(final String graph, final int attempt, final String action)
    {
    }

    default void onUndoFailed(final String graph, final int attempt, final String action, final Throwable cause)
    {
    }
}
