package io.tandem.recovery.consumer;

/**
 * Where one consumer stands in a walk.
 * <pre>
 *   PENDING -> RUNNING -> DONE -> UNDONE | UNDO_FAILED
 *      |          \-----> FAILED
 *      \-> SKIPPED   (something it depends on failed)
 * </pre>
 * A consumer done by an earlier, interrupted walk of the same operation is DONE from the start, marked
 * resumed in its {@link ConsumerStatus}.
 */
public enum ConsumerState
{
    PENDING,
    RUNNING,
    DONE,
    FAILED,
    SKIPPED,
    UNDONE,
    UNDO_FAILED;

    /**
     * @return true once the consumer will change no more in this walk, unless it is undone.
     */
    public boolean isSettled()
    {
        return this != PENDING && this != RUNNING;
    }
}
