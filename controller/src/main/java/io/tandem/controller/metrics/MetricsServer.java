package io.tandem.controller.metrics;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A controller's HTTP port: Prometheus metrics at {@code /metrics} (the client library's handler: text,
 * OpenMetrics or protobuf as the scraper asks, {@code name[]=} filters) and whatever else is mounted beside them
 * (the console at {@code /}). Requests are answered on a small pool of daemon threads of its own, never a
 * controller's agent.
 * <p>
 * Thread-safe: start and close from any thread.
 */
public final class MetricsServer implements AutoCloseable
{
    private final HttpServer server;
    private final ExecutorService threads;

    private MetricsServer(final HttpServer server, final ExecutorService threads)
    {
        this.server = server;
        this.threads = threads;
    }

    /**
     * Binds the port and serves {@code registry} at {@code /metrics}, and each of {@code handlers} at its path.
     *
     * @param ctx concluded, {@link MetricsContext#enabled()}.
     * @throws IOException with what to do about it, if the port cannot be had.
     */
    public static MetricsServer start(
        final MetricsContext ctx, final PrometheusRegistry registry, final Map<String, HttpHandler> handlers)
        throws IOException
    {
        final HttpServer server;
        try
        {
            server = HttpServer.create(
                new InetSocketAddress(InetAddress.getByName(ctx.bindAddress()), ctx.port()), 16);
        }
        catch (final IOException ex)
        {
            throw new IOException("cannot serve metrics on " + ctx.bindAddress() + ":" + ctx.port() + " (" +
                ex.getMessage() + "): is another controller running? choose another port with --metrics-port, " +
                "or 0 for none", ex);
        }
        server.createContext("/metrics", new MetricsHandler(registry));
        handlers.forEach(server::createContext);
        final AtomicInteger number = new AtomicInteger();
        final ExecutorService threads = Executors.newFixedThreadPool(ctx.threads(), runnable ->
        {
            final Thread thread = new Thread(runnable, "tandem-metrics-" + number.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(threads);
        server.start();
        return new MetricsServer(server, threads);
    }

    public int port()
    {
        return server.getAddress().getPort();
    }

    public void close()
    {
        server.stop(0);
        threads.shutdownNow();
        try
        {
            threads.awaitTermination(2, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
