package io.tandem.controller.console;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;

/**
 * The console's page at {@code /}: its HTML, script and style, and the uPlot charting library from its webjar, all
 * from the jar: the page fetches nothing from anywhere else.
 * <p>
 * Thread-safe: stateless.
 */
public final class ConsoleHandler implements HttpHandler
{
    private static final String UPLOT = "META-INF/resources/webjars/uplot/1.6.30/dist/";

    /** What the page may load, and from where in the jar. */
    private static final Map<String, String> FILES = Map.of(
        "/", "io/tandem/controller/console/index.html",
        "/console.js", "io/tandem/controller/console/console.js",
        "/console.css", "io/tandem/controller/console/console.css",
        "/uplot.js", UPLOT + "uPlot.iife.min.js",
        "/uplot.css", UPLOT + "uPlot.min.css");

    public void handle(final HttpExchange exchange) throws IOException
    {
        try (exchange)
        {
            final String path = exchange.getRequestURI().getPath();
            final String resource = FILES.get(path);
            if (!"GET".equals(exchange.getRequestMethod()) || null == resource)
            {
                final byte[] body = ("no such page: " + path + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(404, body.length);
                exchange.getResponseBody().write(body);
                return;
            }
            final byte[] body;
            try (InputStream in = ConsoleHandler.class.getClassLoader().getResourceAsStream(resource))
            {
                if (null == in)
                {
                    throw new IOException("the jar lacks " + resource);
                }
                body = in.readAllBytes();
            }
            exchange.getResponseHeaders().set("Content-Type", type(path));
            exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
            exchange.getResponseHeaders().set("X-Frame-Options", "DENY");
            exchange.getResponseHeaders().set("Content-Security-Policy", "default-src 'self'; " +
                "style-src 'self' 'unsafe-inline'; frame-ancestors 'none'");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody())
            {
                out.write(body);
            }
        }
    }

    private static String type(final String path)
    {
        if (path.endsWith(".js"))
        {
            return "text/javascript; charset=utf-8";
        }
        return path.endsWith(".css") ? "text/css; charset=utf-8" : "text/html; charset=utf-8";
    }
}
