package io.tandem.recovery.consumer;

/**
 * What a consumer is told when it runs.
 * <p>
 * Immutable; thread-safe.
 *
 * @param operationId the walk's operation, for example {@code takeover-epoch-7}; the key a resumed walk is
 *                    matched on in the journal.
 * @param consumer    the consumer's registered name.
 */
public record ConsumerContext(String operationId, String consumer)
{
}
