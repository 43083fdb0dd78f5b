package io.tandem.primary.control;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;

/**
 * The controller's control port, on loopback: how `tandem ctl` reaches a running controller from another
 * process. One command line in, one reply out, then the connection closes:
 * <pre>
 *  client: status\n
 *  server: OK\n role=primary\n epoch=3\n ...   (then close)
 * </pre>
 * Commands run one at a time on the server's own thread, off the I/O path; a command that fails answers
 * {@code ERROR <why>}, and a client that sends nothing for {@value #READ_TIMEOUT_MS} ms is dropped.
 * <p>
 * Thread-safe: start and close from any thread.
 */
public final class ControlServer implements AutoCloseable
{
    static final int READ_TIMEOUT_MS = 5_000;
    static final int MAX_LINE = 1024;

    private final ServerSocket socket;
    private final ControlHandler handler;
    private final Thread thread;
    private volatile boolean closed;

    private ControlServer(final ServerSocket socket, final ControlHandler handler, final String name)
    {
        this.socket = socket;
        this.handler = handler;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    /**
     * Binds the port and starts answering.
     *
     * @param port 0 for any free port.
     */
    public static ControlServer start(
        final String bindAddress, final int port, final ControlHandler handler, final String name) throws IOException
    {
        final ServerSocket socket = new ServerSocket();
        try
        {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(bindAddress), port), 16);
        }
        catch (final IOException ex)
        {
            socket.close();
            throw new IOException("cannot listen for control commands on " + bindAddress + ":" + port + " (" +
                ex.getMessage() + "): is another controller running? choose another port with --control-port", ex);
        }
        final ControlServer server = new ControlServer(socket, handler, name);
        server.thread.start();
        return server;
    }

    public int port()
    {
        return socket.getLocalPort();
    }

    private void run()
    {
        while (!closed)
        {
            try (Socket client = socket.accept())
            {
                client.setSoTimeout(READ_TIMEOUT_MS);
                answer(client);
            }
            catch (final SocketException ex)
            {
                if (closed)
                {
                    return;
                }
            }
            catch (final IOException | RuntimeException ex)
            {
                // one client's trouble is that client's: keep serving the others
            }
        }
    }

    private void answer(final Socket client) throws IOException
    {
        final BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(),
            StandardCharsets.UTF_8), MAX_LINE);
        final String line = in.readLine();
        String reply;
        if (null == line || line.isBlank() || line.length() > MAX_LINE)
        {
            reply = "ERROR empty or over-long command\n";
        }
        else
        {
            try
            {
                reply = handler.handle(line.trim().split("\\s+"));
            }
            catch (final RuntimeException ex)
            {
                reply = "ERROR " + ex.getMessage() + "\n";
            }
        }
        final OutputStream out = client.getOutputStream();
        out.write(reply.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    public void close() throws IOException
    {
        closed = true;
        socket.close();
        try
        {
            thread.join(2_000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
