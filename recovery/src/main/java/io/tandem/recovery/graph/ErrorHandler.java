package io.tandem.recovery.graph;

/**
 * Called after an attempt failed and was backed out, to bring the system to a consistent state and choose the
 * graph fit for that state: Courtright and Gibson's "quiesce, reconfigure, retry". Called on the thread that
 * drives the run; it may block for as long as reconfiguring takes.
 *
 * @param <S> the state the operation works on.
 */
@FunctionalInterface
public interface ErrorHandler<S>
{
    /** Gives up at the first failure. */
    static <S> ErrorHandler<S> giveUp()
    {
        return (failure, state) -> null;
    }

    /**
     * @param failure what went wrong in the attempt just backed out.
     * @param state   the operation's state.
     * @return the graph to run next, or null to end the operation as failed.
     * @throws Exception ends the operation as failed, with this as the handler's failure.
     */
    AntecedenceGraph<S> recover(GraphFailure failure, S state) throws Exception;
}
