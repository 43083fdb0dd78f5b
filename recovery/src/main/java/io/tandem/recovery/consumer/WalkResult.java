package io.tandem.recovery.consumer;

import io.tandem.recovery.graph.GraphResult;

/**
 * How a walk ended.
 * <p>
 * Immutable; thread-safe.
 *
 * @param passed   true if every consumer is done.
 * @param snapshot every consumer's final status: failed ones with their causes, skipped ones.
 * @param graph    the engine's account of the run.
 */
public record WalkResult(boolean passed, WalkSnapshot snapshot, GraphResult graph)
{
}
