package io.tandem.recovery.graph;

import java.util.List;
import java.util.Map;

/**
 * Why one attempt of an operation failed, handed to the {@link ErrorHandler} once the attempt has been backed
 * out: every action in flight finished, passed actions undone.
 * <p>
 * Immutable; thread-safe.
 *
 * @param graph       the graph of the attempt.
 * @param attempt     1 for the first graph of the operation.
 * @param action      the first action that failed, or null if the graph's release step failed.
 * @param cause       why it failed; an {@link ActionTimeoutException} for a timeout.
 * @param otherFailures actions that failed after the first, with their causes.
 * @param undoFailures  actions whose UNDO failed, with their causes: the state may not be what the graph found.
 * @param abandoned   actions whose thread was still running after the interrupt grace; their effects are unknown.
 */
public record GraphFailure(
    String graph,
    int attempt,
    String action,
    Throwable cause,
    Map<String, Throwable> otherFailures,
    Map<String, Throwable> undoFailures,
    List<String> abandoned)
{
    public String toString()
    {
        return "graph '" + graph + "' attempt " + attempt + ": " +
            (null == action ? "release" : "'" + action + "'") + " failed: " + cause +
            (otherFailures.isEmpty() ? "" : "; also failed: " + otherFailures.keySet()) +
            (undoFailures.isEmpty() ? "" : "; undo failed: " + undoFailures.keySet()) +
            (abandoned.isEmpty() ? "" : "; abandoned: " + abandoned);
    }
}
