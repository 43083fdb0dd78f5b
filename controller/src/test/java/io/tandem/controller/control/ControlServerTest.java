package io.tandem.controller.control;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The control port against clients that misbehave: a line without end, a client that trickles, clients that hold
 * connections open, and a handler that throws. The deadlines here are the sockets' own, in real time.
 */
@Timeout(60)
class ControlServerTest
{
    private static final int TIMEOUT_MS = 5_000;

    private final List<String[]> commands = new ArrayList<>();
    private final List<Socket> sockets = new ArrayList<>();
    private ControlServer server;

    private ControlServer start(final ControlHandler handler) throws IOException
    {
        server = ControlServer.start("127.0.0.1", 0, handler, "control-test");
        return server;
    }

    private ControlServer start() throws IOException
    {
        return start(command ->
        {
            synchronized (commands)
            {
                commands.add(command);
            }
            return "OK\n" + String.join(" ", command) + "\n";
        });
    }

    @AfterEach
    void stop() throws IOException
    {
        for (final Socket socket : sockets)
        {
            socket.close();
        }
        if (null != server)
        {
            server.close();
        }
    }

    @Test
    void aCommandGetsItsReply() throws Exception
    {
        start();
        assertEquals("OK\nstatus all\n", ControlClient.send("127.0.0.1", server.port(), "status  all", TIMEOUT_MS));
    }

    @Test
    void aLineOfTheLongestLengthIsServedAndOneByteMoreIsRefused() throws Exception
    {
        start();
        final String longest = "x".repeat(ControlServer.MAX_LINE);
        assertEquals("OK\n" + longest + "\n", ControlClient.send("127.0.0.1", server.port(), longest, TIMEOUT_MS));

        try (Socket client = connect())
        {
            // no newline: the server must decide on the bytes it holds, not wait for the end of the line
            client.getOutputStream().write(("y".repeat(ControlServer.MAX_LINE + 1)).getBytes(StandardCharsets.UTF_8));
            client.getOutputStream().flush();
            assertEquals("ERROR line too long\n", readAll(client));
        }
        assertEquals(1, commands.size());
    }

    @Test
    void anEndlessLineIsCutOffNotBuffered() throws Exception
    {
        start();
        final long total = 256L << 20;
        final AtomicLong written = new AtomicLong();
        final AtomicReference<IOException> failure = new AtomicReference<>();
        try (Socket client = connect())
        {
            final Thread writer = new Thread(() ->
            {
                final byte[] chunk = new byte[64 << 10];
                Arrays.fill(chunk, (byte)'a');
                try
                {
                    final OutputStream out = client.getOutputStream();
                    while (written.get() < total)
                    {
                        out.write(chunk);
                        written.addAndGet(chunk.length);
                    }
                }
                catch (final IOException ex)
                {
                    failure.set(ex);
                }
            });
            writer.start();
            writer.join(TimeUnit.SECONDS.toMillis(30));
            assertNotNull(failure.get(), "the server read " + written.get() + " bytes of one line");
            assertTrue(written.get() < total);
        }
        assertTrue(commands.isEmpty());
        assertEquals("OK\nstatus\n", ControlClient.send("127.0.0.1", server.port(), "status", TIMEOUT_MS));
    }

    @Test
    void aClientThatTricklesIsCutOffAtTheRequestDeadline() throws Exception
    {
        start();
        try (Socket client = connect())
        {
            final OutputStream out = client.getOutputStream();
            final InputStream in = client.getInputStream();
            final long startNs = System.nanoTime();
            final long giveUpNs = startNs + TimeUnit.SECONDS.toNanos(6);
            boolean closed = false;
            // one byte every 250 ms: well inside a per-read timeout, never a whole line
            while (!closed && System.nanoTime() < giveUpNs)
            {
                try
                {
                    out.write('s');
                    out.flush();
                }
                catch (final IOException ex)
                {
                    closed = true;
                    break;
                }
                client.setSoTimeout(250);
                try
                {
                    in.read(); // an answer or the end of the stream: the server gave up
                    closed = true;
                }
                catch (final java.net.SocketTimeoutException ex)
                {
                    // still being read: keep trickling
                }
                catch (final IOException ex)
                {
                    closed = true;
                }
            }
            final long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
            assertTrue(closed, "still reading a trickled line after " + elapsedMs + " ms");
            assertTrue(elapsedMs < ControlServer.REQUEST_TIMEOUT_MS_DEFAULT + 1_000, elapsedMs + " ms");
        }
        assertTrue(commands.isEmpty());
    }

    @Test
    void aSilentClientDoesNotHoldUpOthers() throws Exception
    {
        start();
        try (Socket silent = connect())
        {
            final long startNs = System.nanoTime();
            assertEquals("OK\nstatus\n", ControlClient.send("127.0.0.1", server.port(), "status", TIMEOUT_MS));
            final long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
            assertTrue(elapsedMs < 1_000, "waited " + elapsedMs + " ms behind a silent client");
        }
    }

    @Test
    void clientsBeyondTheHandlerThreadsAreToldBusy() throws Exception
    {
        start();
        final List<Socket> silent = new ArrayList<>();
        for (int i = 0; i < ControlServer.HANDLER_THREADS_DEFAULT; i++)
        {
            silent.add(connect());
        }
        assertEquals("ERROR busy: try again\n", ControlClient.send("127.0.0.1", server.port(), "status", TIMEOUT_MS));
        for (final Socket socket : silent)
        {
            socket.close();
        }
        assertEquals("OK\nstatus\n", sendUntilServed("status"));
    }

    @Test
    void aHandlerThatThrowsAnswersErrorAndTheServerGoesOn() throws Exception
    {
        start(command ->
        {
            switch (command[0])
            {
                case "runtime":
                    throw new IllegalStateException("no partner");
                case "error":
                    throw new AssertionError("handler bug");
                case "null":
                    return null;
                default:
                    return "OK\n";
            }
        });
        assertEquals("ERROR no partner\n", ControlClient.send("127.0.0.1", server.port(), "runtime", TIMEOUT_MS));
        assertEquals("ERROR java.lang.AssertionError: handler bug\n",
            ControlClient.send("127.0.0.1", server.port(), "error", TIMEOUT_MS));
        assertEquals("ERROR the command gave no answer\n",
            ControlClient.send("127.0.0.1", server.port(), "null", TIMEOUT_MS));
        assertEquals("OK\n", ControlClient.send("127.0.0.1", server.port(), "status", TIMEOUT_MS));
    }

    private Socket connect() throws IOException
    {
        final Socket socket = new Socket();
        sockets.add(socket);
        socket.connect(new InetSocketAddress("127.0.0.1", server.port()), TIMEOUT_MS);
        socket.setSoTimeout(TIMEOUT_MS);
        return socket;
    }

    /** The handler threads of the closed clients notice the close in their own time: a busy answer may come first. */
    private String sendUntilServed(final String command) throws Exception
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true)
        {
            final String reply = ControlClient.send("127.0.0.1", server.port(), command, TIMEOUT_MS);
            if (!reply.startsWith("ERROR busy") || System.nanoTime() > deadlineNs)
            {
                return reply;
            }
            Thread.onSpinWait();
        }
    }

    private static String readAll(final Socket client) throws IOException
    {
        return new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
}
