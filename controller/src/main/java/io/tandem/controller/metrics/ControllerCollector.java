package io.tandem.controller.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.util.function.Supplier;

/**
 * Everything a controller process exposes at {@code /metrics}, collected on the scraping thread: its identity, the
 * role it runs now, that role's figures ({@link RoleMetrics}: its status snapshot, NBD counters, errors, pool),
 * request latency by operation and the steps of its last takeover and giveback ({@link ControllerTelemetry}).
 * Nothing here waits for, or allocates on, a controller's agent.
 * <p>
 * Thread-safe: scrapes may run side by side.
 */
public final class ControllerCollector implements MultiCollector
{
    private final int controllerId;
    private final String version;
    private final ControllerTelemetry telemetry;
    private final Supplier<RoleMetrics> role;

    /**
     * @param role the running role, or null while the controller changes role.
     */
    public ControllerCollector(
        final int controllerId, final String version, final ControllerTelemetry telemetry,
        final Supplier<RoleMetrics> role)
    {
        this.controllerId = controllerId;
        this.version = version;
        this.telemetry = telemetry;
        this.role = role;
    }

    public MetricSnapshots collect()
    {
        final MetricsWriter out = new MetricsWriter();
        out.info("tandem_controller", "This controller's identity and version", "controller",
            Integer.toString(controllerId), "version", version);
        final RoleMetrics running = role.get();
        out.states("tandem_role", "The role this controller runs (1 for the one it is in; changing between two)",
            "role", ControllerRole.values(), null == running ? ControllerRole.CHANGING : running.role());
        if (null != running)
        {
            running.writeMetrics(out);
        }
        if (null != telemetry)
        {
            telemetry.latency().write(out);
            telemetry.failovers().write(out);
        }
        return out.snapshots();
    }
}
