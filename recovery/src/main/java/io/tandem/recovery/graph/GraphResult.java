package io.tandem.recovery.graph;

import java.util.List;

/**
 * How an operation ended.
 * <p>
 * Immutable; thread-safe.
 *
 * @param passed        true if the last attempt's graph passed.
 * @param attempts      how many graphs were run.
 * @param lastGraph     the name of the last graph run.
 * @param failures      one per failed attempt, in order.
 * @param handlerError  what the error handler threw, if it did; null otherwise.
 * @param retriesExhausted true if the handler chose another graph but the attempt limit was reached.
 */
public record GraphResult(
    boolean passed,
    int attempts,
    String lastGraph,
    List<GraphFailure> failures,
    Throwable handlerError,
    boolean retriesExhausted)
{
    /**
     * @return the failure of the last attempt, or null if it passed.
     */
    public GraphFailure lastFailure()
    {
        return passed || failures.isEmpty() ? null : failures.get(failures.size() - 1);
    }
}
