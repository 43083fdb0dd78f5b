package io.tandem.cli;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.tandem.controller.ControllerContext;
import io.tandem.controller.console.ConsoleApi;
import io.tandem.controller.console.ConsoleHandler;
import io.tandem.controller.metrics.ControllerCollector;
import io.tandem.controller.metrics.MetricsContext;
import io.tandem.controller.metrics.MetricsServer;
import io.tandem.controller.metrics.RoleMetrics;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The HTTP port of a controller run by `tandem primary` or `tandem secondary`: Prometheus metrics at
 * {@code /metrics} and the web console at {@code /}, with its API under {@code /api/}, across every role the
 * process runs. Opened before the controller starts, so a port that cannot be had stops the start with the reason.
 * <p>
 * Stateless; thread-safe.
 */
final class MetricsPort
{
    private MetricsPort()
    {
    }

    /**
     * @param ctx  the controller's context, concluded (its ports are known).
     * @param role the role the controller runs now, null while it changes role.
     * @return the server, or null when {@code --metrics-port 0} (or an NBD port of 0) asks for none.
     */
    static MetricsServer start(
        final ControllerOptions options, final ControllerContext ctx, final Supplier<RoleMetrics> role)
        throws IOException
    {
        final int port = null != options.metricsPort ? options.metricsPort :
            0 == ctx.nbdPort() ? 0 : ctx.nbdPort() + MetricsContext.PORT_OFFSET_DEFAULT;
        final MetricsContext metrics = new MetricsContext().bindAddress(options.metricsAddress).port(port).conclude();
        if (!metrics.enabled())
        {
            return null;
        }
        final String version;
        try
        {
            version = new TandemCommand.Version().getVersion()[0].replace("tandem ", "");
        }
        catch (final IOException ex)
        {
            throw new IOException("cannot read the build's version: " + ex.getMessage(), ex);
        }
        final PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new ControllerCollector(ctx.controllerId(), version, ctx.telemetry(), role));
        final InetSocketAddress own = new InetSocketAddress(ctx.bindAddress(), ctx.controlPort());
        final InetSocketAddress partner = null != options.partnerControl ? options.partnerControl :
            new InetSocketAddress(ctx.bindAddress(), ctx.controlPort() + ctx.partnerId() - ctx.controllerId());
        final List<InetSocketAddress> controllers = 0 == ctx.controllerId() ? List.of(own, partner) :
            List.of(partner, own);
        return MetricsServer.start(metrics, registry, Map.of(
            "/api/", new ConsoleApi(ctx.controllerId(), controllers, new ConsoleEvents(ctx.dataDir())),
            "/", new ConsoleHandler()));
    }
}
