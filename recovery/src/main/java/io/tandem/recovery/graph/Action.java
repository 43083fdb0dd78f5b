package io.tandem.recovery.graph;

/**
 * One step of a recovery operation with a DO and an UNDO, as in Courtright and Gibson's backward error recovery:
 * the engine runs {@link #doAction(Object)} once every antecedent has passed and, if the operation fails after
 * this action passed, runs {@link #undoAction(Object)} to take its effect back.
 * <p>
 * The contract an action keeps:
 * <ul>
 *     <li>DO either passes (returns) or fails (throws). A DO that fails must leave nothing behind: it is never
 *     undone, because its UNDO could not know how far it got.</li>
 *     <li>DO runs under a timeout. When it expires the engine interrupts the thread running it and counts the
 *     action as failed; a DO that blocks should therefore block interruptibly.</li>
 *     <li>UNDO runs only after every action in flight has finished, one action at a time, in the reverse order
 *     in which the actions passed. It runs under the same timeout.</li>
 * </ul>
 * Actions that run concurrently are called on different threads; an action shares nothing with another unless
 * it synchronises that itself.
 *
 * @param <S> the state the operation works on, handed to every action of the graph.
 */
@FunctionalInterface
public interface Action<S>
{
    /**
     * Does the step.
     *
     * @param state the state of the operation.
     * @throws Exception to fail the action, and with it the graph.
     */
    void doAction(S state) throws Exception;

    /**
     * Takes the effect of a passed {@link #doAction(Object)} back. Does nothing by default, for steps that only
     * read.
     *
     * @param state the state of the operation.
     * @throws Exception reported as an undo failure; the engine goes on undoing the other actions.
     */
    default void undoAction(final S state) throws Exception
    {
    }

    /**
     * @return an action made of a DO and an UNDO.
     */
    static <S> Action<S> of(final Step<S> doStep, final Step<S> undoStep)
    {
        return new Action<>()
        {
            public void doAction(final S state) throws Exception
            {
                doStep.run(state);
            }

            public void undoAction(final S state) throws Exception
            {
                undoStep.run(state);
            }
        };
    }

    /**
     * One half of an action, for {@link #of(Step, Step)}.
     *
     * @param <S> the state the operation works on.
     */
    @FunctionalInterface
    interface Step<S>
    {
        void run(S state) throws Exception;
    }
}
