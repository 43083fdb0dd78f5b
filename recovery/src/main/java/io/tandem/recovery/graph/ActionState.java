package io.tandem.recovery.graph;

/**
 * Where one action of a graph stands in one attempt.
 * <pre>
 *   PENDING -> RUNNING -> PASSED -> UNDOING -> UNDONE | UNDO_FAILED
 *      |          \-----> FAILED | TIMED_OUT
 *      \-> SKIPPED   (never dispatched because the graph failed)
 * </pre>
 */
public enum ActionState
{
    /** Waiting for its antecedents or for a free slot. */
    PENDING,
    /** DO dispatched and not yet finished. */
    RUNNING,
    /** DO returned. */
    PASSED,
    /** DO threw. */
    FAILED,
    /** DO ran past its timeout; its thread was interrupted. Counts as failed. */
    TIMED_OUT,
    /** Not run because the graph failed before its turn. */
    SKIPPED,
    /** UNDO dispatched and not yet finished. */
    UNDOING,
    /** UNDO returned. */
    UNDONE,
    /** UNDO threw or ran past its timeout. */
    UNDO_FAILED;

    /**
     * @return true for a DO that failed, by throwing or by timing out.
     */
    public boolean isFailure()
    {
        return this == FAILED || this == TIMED_OUT;
    }
}
