package io.tandem.controller.console;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.tandem.controller.control.ControlClient;
import io.tandem.controller.status.StatusWriter;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The console's API, under {@code /api/}: what the page shows and the operations its buttons ask for. Every one
 * goes to the controllers' control ports, the way {@code tandem ctl} does, so the console can do nothing ctl
 * cannot and meets the same refusals, which it shows as they are.
 * <pre>
 *  GET  /api/pair                 {"self":0,"controllers":[{"id":0,"at":"127.0.0.1:10909","status":{...}},...]}
 *  GET  /api/events?after=MS      {"events":[{...},...]}  (ctl events --json objects)
 *  POST /api/ctl  controller=N&amp;command=path+pull+1     {"ok":true,"reply":"path 1 pulled: ..."}
 * </pre>
 * The commands the console sends are {@code path pull N}, {@code path restore N}, {@code cp}, {@code takeover},
 * {@code takeover force} and {@code giveback}; each request passes the {@link CrossSiteGuard}.
 * <p>
 * Thread-safe: stateless but for its settings.
 */
public final class ConsoleApi implements HttpHandler
{
    private static final Pattern COMMANDS =
        Pattern.compile("path (pull|restore) [0-9]{1,2}|cp|takeover( force)?|giveback");
    private static final int CONTROL_TIMEOUT_MS = 2_000;
    private static final int EVENTS_LIMIT = 200;

    private final int self;
    private final List<InetSocketAddress> controllers;
    private final EventFeed events;

    /**
     * @param self        this controller's id.
     * @param controllers each controller's control address, by id.
     */
    public ConsoleApi(final int self, final List<InetSocketAddress> controllers, final EventFeed events)
    {
        this.self = self;
        this.controllers = List.copyOf(controllers);
        this.events = events;
    }

    public void handle(final HttpExchange exchange) throws IOException
    {
        try (exchange)
        {
            final String path = exchange.getRequestURI().getPath();
            final boolean mutating = "/api/ctl".equals(path);
            final String refused = CrossSiteGuard.refusal(exchange, mutating);
            if (null != refused)
            {
                reply(exchange, 403, error(refused));
                return;
            }
            switch (path)
            {
                case "/api/pair":
                    reply(exchange, 200, pair());
                    break;
                case "/api/events":
                    reply(exchange, 200, events(query(exchange.getRequestURI().getRawQuery())));
                    break;
                case "/api/ctl":
                    control(exchange);
                    break;
                default:
                    reply(exchange, 404, error("no such API: " + path));
            }
        }
    }

    private String pair()
    {
        final StringBuilder out = new StringBuilder(4096).append("{\"self\":").append(self)
            .append(",\"controllers\":[");
        for (int id = 0; id < controllers.size(); id++)
        {
            final InetSocketAddress at = controllers.get(id);
            out.append(0 == id ? "" : ",").append("{\"id\":").append(id).append(",\"at\":\"")
                .append(at.getHostString()).append(':').append(at.getPort()).append('"');
            try
            {
                final String reply = ControlClient.send(at.getHostString(), at.getPort(), "status json",
                    CONTROL_TIMEOUT_MS);
                if (reply.startsWith("OK\n"))
                {
                    out.append(",\"status\":").append(reply.substring(3).trim());
                }
                else
                {
                    out.append(",\"error\":").append(quoted(reply.trim()));
                }
            }
            catch (final IOException ex)
            {
                out.append(",\"error\":").append(quoted("not reachable: " + ex.getMessage()));
            }
            out.append('}');
        }
        return out.append("]}").toString();
    }

    private String events(final Map<String, String> query)
    {
        long afterMs = 0;
        try
        {
            afterMs = Long.parseLong(query.getOrDefault("after", "0"));
        }
        catch (final NumberFormatException ex)
        {
            // the latest ones, then
        }
        final StringBuilder out = new StringBuilder(8192).append("{\"events\":[");
        boolean first = true;
        for (final String event : events.events(afterMs, EVENTS_LIMIT))
        {
            out.append(first ? "" : ",").append(event);
            first = false;
        }
        return out.append("]}").toString();
    }

    private void control(final HttpExchange exchange) throws IOException
    {
        final Map<String, String> form = query(new String(exchange.getRequestBody().readNBytes(4096),
            StandardCharsets.UTF_8));
        final String command = form.getOrDefault("command", "").trim();
        if (!COMMANDS.matcher(command).matches())
        {
            reply(exchange, 400, error("the console sends path pull N, path restore N, cp, takeover [force] or " +
                "giveback, not '" + command + "'"));
            return;
        }
        final int id;
        try
        {
            id = Integer.parseInt(form.getOrDefault("controller", ""));
        }
        catch (final NumberFormatException ex)
        {
            reply(exchange, 400, error("controller must be 0 to " + (controllers.size() - 1)));
            return;
        }
        if (id < 0 || id >= controllers.size())
        {
            reply(exchange, 400, error("controller must be 0 to " + (controllers.size() - 1)));
            return;
        }
        final InetSocketAddress at = controllers.get(id);
        String reply;
        try
        {
            reply = ControlClient.send(at.getHostString(), at.getPort(), command, CONTROL_TIMEOUT_MS * 5);
        }
        catch (final IOException ex)
        {
            reply = "ERROR controller " + id + " is not reachable: " + ex.getMessage();
        }
        final boolean ok = reply.startsWith("OK");
        final int newline = reply.indexOf('\n');
        final String text = ok ? (newline < 0 ? "" : reply.substring(newline + 1)) : reply.substring("ERROR".length());
        reply(exchange, 200, StatusWriter.json(new StringBuilder()).field("ok", ok).field("controller", id)
            .field("command", command).field("reply", text.trim()).finish());
    }

    private static String error(final String why)
    {
        return StatusWriter.json(new StringBuilder()).field("ok", false).field("reply", why).finish();
    }

    private static String quoted(final String text)
    {
        final String object = StatusWriter.json(new StringBuilder()).field("t", text).finish().trim();
        return object.substring("{\"t\":".length(), object.length() - 1);
    }

    private static Map<String, String> query(final String raw)
    {
        final Map<String, String> values = new HashMap<>();
        if (null == raw || raw.isEmpty())
        {
            return values;
        }
        for (final String pair : raw.split("&"))
        {
            final int equals = pair.indexOf('=');
            if (equals > 0)
            {
                values.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
            }
        }
        return values;
    }

    static void reply(final HttpExchange exchange, final int status, final String json) throws IOException
    {
        final byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody())
        {
            out.write(body);
        }
    }
}
