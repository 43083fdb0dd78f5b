/**
 * The recovery consumer framework on top of the graph engine: consumers register by name with the consumers
 * they depend on ({@link io.tandem.recovery.consumer.ConsumerRegistry}); a walk
 * ({@link io.tandem.recovery.consumer.ConsumerWalk}) runs independent consumers concurrently and dependent ones
 * in order, skips the dependents of a failed consumer, shows its progress in
 * {@link io.tandem.recovery.consumer.WalkSnapshot}s, and resumes an interrupted operation by skipping the consumers
 * an earlier walk finished.
 */
package io.tandem.recovery.consumer;
