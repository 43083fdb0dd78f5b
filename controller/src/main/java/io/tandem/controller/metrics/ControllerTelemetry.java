package io.tandem.controller.metrics;

/**
 * What a controller process measures beyond its roles' status, kept across role changes: request latency by
 * operation and the steps of its takeovers and givebacks. A {@link io.tandem.controller.ControllerContext} and
 * every copy of it share one, so each role records into the process's.
 * <p>
 * Thread-safe as its parts are.
 */
public final class ControllerTelemetry
{
    private final IoLatency latency = new IoLatency();
    private final FailoverTimes failovers = new FailoverTimes();

    public IoLatency latency()
    {
        return latency;
    }

    public FailoverTimes failovers()
    {
        return failovers;
    }
}
