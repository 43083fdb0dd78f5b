package io.tandem.primary.write;

import io.tandem.primary.cache.ConsistencyPoint;

/**
 * Asked by the write path for a consistency point when it cannot go on without one: the cache has no clean page
 * left, or both NVLog halves are in use.
 */
@FunctionalInterface
public interface CheckpointTrigger
{
    void requestCheckpoint(ConsistencyPoint.Reason why);
}
