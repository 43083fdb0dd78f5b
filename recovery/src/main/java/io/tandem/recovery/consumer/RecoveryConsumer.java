package io.tandem.recovery.consumer;

/**
 * One piece of a recovery (fence, load the superblock, scan a stream, ...), registered in a
 * {@link ConsumerRegistry} with the consumers it depends on. It runs once all of them are done, possibly at the
 * same time as consumers it has no dependency with, on a thread of the recovery engine.
 * <p>
 * Like an {@link io.tandem.recovery.graph.Action}: {@link #recover} either completes or throws and leaves
 * nothing behind; it runs under a timeout and is interrupted when that expires. If the walk fails after this
 * consumer was done, {@link #undo} is called to take its effect back (nothing, by default).
 */
@FunctionalInterface
public interface RecoveryConsumer
{
    /**
     * @throws Exception to fail the consumer; its dependents are skipped and the walk fails.
     */
    void recover(ConsumerContext ctx) throws Exception;

    default void undo(final ConsumerContext ctx) throws Exception
    {
    }
}
