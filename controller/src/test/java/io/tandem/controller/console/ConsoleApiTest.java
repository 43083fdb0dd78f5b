package io.tandem.controller.console;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.tandem.controller.control.ControlServer;
import io.tandem.controller.metrics.MetricsContext;
import io.tandem.controller.metrics.MetricsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console's API over real sockets, in front of a real control server: operations reach the control handler
 * only as POSTs carrying the console's header from this server's own origin and host, only the commands the
 * console has, and the handler's refusal comes back with its reason; the page and its charting library are served
 * from the jar.
 */
class ConsoleApiTest
{
    private final List<String> commands = new CopyOnWriteArrayList<>();
    private ControlServer control;
    private MetricsServer server;

    @BeforeEach
    void start() throws IOException
    {
        control = ControlServer.start("127.0.0.1", 0, command ->
        {
            final String line = String.join(" ", command);
            commands.add(line);
            if ("status json".equals(line))
            {
                return "OK\n{\"role\":\"primary\",\"epoch\":3}\n";
            }
            return "takeover".equals(line) ? "ERROR takeover refused: no: the primary is alive on 2 path(s)\n" :
                "OK\ndone: " + line + "\n";
        }, "console-test");
        final InetSocketAddress at = new InetSocketAddress("127.0.0.1", control.port());
        final InetSocketAddress nobody = new InetSocketAddress("127.0.0.1", 1);
        server = MetricsServer.start(new MetricsContext().port(12290).conclude(), new PrometheusRegistry(), Map.of(
            "/api/", new ConsoleApi(0, List.of(at, nobody), (afterMs, limit) -> List.of("{\"type\":\"NOTE\"}")),
            "/", new ConsoleHandler()));
    }

    @AfterEach
    void stop() throws IOException
    {
        server.close();
        control.close();
    }

    @Test
    void operationsNeedPostTheHeaderAndThisOrigin() throws IOException
    {
        final String host = "127.0.0.1:12290";
        assertTrue(request("GET", "/api/ctl?controller=0&command=cp", host, Map.of(CrossSiteGuard.HEADER, "1"), "")
            .startsWith("HTTP/1.1 403"));
        assertTrue(request("POST", "/api/ctl", host, Map.of(), "controller=0&command=cp").contains(
            "operations need the X-Tandem-Console header"));
        assertTrue(request("POST", "/api/ctl", host, Map.of(CrossSiteGuard.HEADER, "1", "Origin",
            "http://attacker.example"), "controller=0&command=cp").contains("cross-origin requests are refused"));
        assertTrue(request("POST", "/api/ctl", "tandem.attacker.example:12290", Map.of(CrossSiteGuard.HEADER, "1"),
            "controller=0&command=cp").contains("the Host header must be"));
        assertTrue(request("GET", "/api/pair", "rebound.example:12290", Map.of(), "").startsWith("HTTP/1.1 403"));
        assertEquals(List.of(), commands, "nothing reached the controller");

        final String cp = request("POST", "/api/ctl", host, Map.of(CrossSiteGuard.HEADER, "1", "Origin",
            "http://" + host), "controller=0&command=cp");
        assertTrue(cp.endsWith("{\"ok\":true,\"controller\":0,\"command\":\"cp\",\"reply\":\"done: cp\"}\n"), cp);
        final String pull = request("POST", "/api/ctl", "localhost:12290", Map.of(CrossSiteGuard.HEADER, "1"),
            "controller=0&command=path+pull+1");
        assertTrue(pull.contains("\"ok\":true") && pull.contains("done: path pull 1"), pull);
        assertEquals(List.of("cp", "path pull 1"), commands);

        final String refused = request("POST", "/api/ctl", host, Map.of(CrossSiteGuard.HEADER, "1"),
            "controller=0&command=takeover");
        assertTrue(refused.contains("\"ok\":false") &&
            refused.contains("takeover refused: no: the primary is alive on 2 path(s)"), refused);
        final String other = request("POST", "/api/ctl", host, Map.of(CrossSiteGuard.HEADER, "1"),
            "controller=0&command=disk+fail+1");
        assertTrue(other.startsWith("HTTP/1.1 400") && other.contains("the console sends path pull N"), other);
        final String unreachable = request("POST", "/api/ctl", host, Map.of(CrossSiteGuard.HEADER, "1"),
            "controller=1&command=cp");
        assertTrue(unreachable.contains("\"ok\":false") && unreachable.contains("controller 1 is not reachable"),
            unreachable);
        assertEquals(List.of("cp", "path pull 1", "takeover"), commands);
    }

    @Test
    void thePairEventsAndPageAreServed() throws IOException
    {
        final String pair = request("GET", "/api/pair", "127.0.0.1:12290", Map.of(), "");
        assertTrue(pair.contains("{\"self\":0,\"controllers\":[{\"id\":0,\"at\":\"127.0.0.1:" + control.port() +
            "\",\"status\":{\"role\":\"primary\",\"epoch\":3}},{\"id\":1,\"at\":\"127.0.0.1:1\",\"error\":"), pair);
        assertTrue(request("GET", "/api/events?after=0", "127.0.0.1:12290", Map.of(), "")
            .endsWith("{\"events\":[{\"type\":\"NOTE\"}]}"));
        final String page = request("GET", "/", "127.0.0.1:12290", Map.of(), "");
        assertTrue(page.startsWith("HTTP/1.1 200") && page.contains("<script src=\"/console.js\">"), page);
        assertTrue(page.contains("Content-security-policy: default-src 'self'") ||
            page.contains("Content-Security-Policy: default-src 'self'"), page);
        assertTrue(request("GET", "/uplot.js", "127.0.0.1:12290", Map.of(), "").contains("uPlot"));
        assertTrue(request("GET", "/etc/passwd", "127.0.0.1:12290", Map.of(), "").startsWith("HTTP/1.1 404"));
    }

    /**
     * One HTTP/1.1 request over a socket of its own, with the Host header as given (no client library lets a test
     * set it), and the whole response.
     */
    private static String request(
        final String method, final String path, final String host, final Map<String, String> headers,
        final String body) throws IOException
    {
        try (Socket socket = new Socket("127.0.0.1", 12290))
        {
            socket.setSoTimeout(10_000);
            final StringBuilder out = new StringBuilder().append(method).append(' ').append(path)
                .append(" HTTP/1.1\r\nHost: ").append(host).append("\r\nConnection: close\r\n");
            headers.forEach((name, value) -> out.append(name).append(": ").append(value).append("\r\n"));
            final byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            if (bytes.length > 0)
            {
                out.append("Content-Type: application/x-www-form-urlencoded\r\n");
            }
            out.append("Content-Length: ").append(bytes.length).append("\r\n\r\n");
            final OutputStream stream = socket.getOutputStream();
            stream.write(out.toString().getBytes(StandardCharsets.UTF_8));
            stream.write(bytes);
            stream.flush();
            final InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
