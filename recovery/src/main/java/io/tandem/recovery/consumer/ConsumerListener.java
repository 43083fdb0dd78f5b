package io.tandem.recovery.consumer;

/**
 * Hears each consumer's start and end in a walk, for example to record them in the event journal. Called on
 * the thread driving the walk, one call at a time; a consumer's end is reported before any of its dependents
 * starts. Consumers resumed from an earlier walk are not reported: they do not run.
 */
public interface ConsumerListener
{
    ConsumerListener NONE = new ConsumerListener()
    {
    };

    default void onConsumerStart(final String operationId, final String consumer)
    {
    }

    /**
     * @param state      DONE, FAILED, SKIPPED, UNDONE or UNDO_FAILED.
     * @param cause      why it failed, or null.
     * @param durationMs how long it ran; 0 for a skipped consumer.
     */
    default void onConsumerEnd(
        final String operationId, final String consumer, final ConsumerState state, final Throwable cause,
        final long durationMs)
    {
    }
}
