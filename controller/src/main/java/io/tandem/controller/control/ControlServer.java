package io.tandem.controller.control;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The controller's control port, on loopback: how `tandem ctl` reaches a running controller from another
 * process. One command line in, one reply out, then the connection closes:
 * <pre>
 *  client: status\n
 *  server: OK\n role=primary\n epoch=3\n ...   (then close)
 * </pre>
 * A client cannot hold the port: up to {@link #HANDLER_THREADS_PROP_NAME} clients are read at once, each on a
 * handler thread of a fixed pool, and one more is answered {@code ERROR busy: try again} at once and closed. A
 * client has {@link #REQUEST_TIMEOUT_PROP_NAME} milliseconds in all to send its line, however it spaces the bytes;
 * a line is at most {@value #MAX_LINE} bytes, decided on the bytes read so far ({@code ERROR line too long}), so
 * a line without end is never buffered. Commands themselves run one at a time, in the order their lines complete,
 * as the {@link ControlHandler}s expect; a handler that throws answers {@code ERROR <why>} and the server goes on.
 * <p>
 * The deadline is real time, read from {@link System#nanoTime()}: it bounds blocking socket reads, which only real
 * time moves.
 * <p>
 * Thread-safe: start and close from any thread.
 */
public final class ControlServer implements AutoCloseable
{
    /** The longest command line, in bytes, not counting its newline. */
    static final int MAX_LINE = 1024;

    /** The longest a client may take to send its whole command line. */
    public static final String REQUEST_TIMEOUT_PROP_NAME = "tandem.control.requestTimeoutMs";
    public static final int REQUEST_TIMEOUT_MS_DEFAULT = 2_000;

    /** How many clients are read and answered at once; one more is told busy. */
    public static final String HANDLER_THREADS_PROP_NAME = "tandem.control.handlerThreads";
    public static final int HANDLER_THREADS_DEFAULT = 4;

    private static final int CLOSE_WAIT_MS = 2_000;

    private final ServerSocket socket;
    private final ControlHandler handler;
    private final int requestTimeoutMs;
    private final Semaphore handlerPermits;
    private final ExecutorService handlers;
    private final Set<Socket> clients = ConcurrentHashMap.newKeySet();
    private final Object commandLock = new Object();
    private final Thread acceptor;
    private volatile boolean closed;

    private ControlServer(
        final ServerSocket socket,
        final ControlHandler handler,
        final String name,
        final int requestTimeoutMs,
        final int handlerThreads)
    {
        this.socket = socket;
        this.handler = handler;
        this.requestTimeoutMs = requestTimeoutMs;
        this.handlerPermits = new Semaphore(handlerThreads);
        final AtomicInteger threadNumber = new AtomicInteger();
        this.handlers = Executors.newFixedThreadPool(handlerThreads, runnable ->
        {
            final Thread thread = new Thread(runnable, name + "-" + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.acceptor = new Thread(this::acceptLoop, name);
        this.acceptor.setDaemon(true);
    }

    /**
     * Binds the port and starts answering, with the request timeout and handler threads of the system properties
     * {@link #REQUEST_TIMEOUT_PROP_NAME} and {@link #HANDLER_THREADS_PROP_NAME}, or their defaults.
     *
     * @param port 0 for any free port.
     */
    public static ControlServer start(
        final String bindAddress, final int port, final ControlHandler handler, final String name) throws IOException
    {
        final int requestTimeoutMs = Integer.getInteger(REQUEST_TIMEOUT_PROP_NAME, REQUEST_TIMEOUT_MS_DEFAULT);
        final int handlerThreads = Integer.getInteger(HANDLER_THREADS_PROP_NAME, HANDLER_THREADS_DEFAULT);
        if (requestTimeoutMs <= 0)
        {
            throw new IllegalArgumentException(REQUEST_TIMEOUT_PROP_NAME + " must be positive: " + requestTimeoutMs);
        }
        if (handlerThreads < 1)
        {
            throw new IllegalArgumentException(HANDLER_THREADS_PROP_NAME + " must be >= 1: " + handlerThreads);
        }
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
        final ControlServer server = new ControlServer(socket, handler, name, requestTimeoutMs, handlerThreads);
        server.acceptor.start();
        return server;
    }

    public int port()
    {
        return socket.getLocalPort();
    }

    private void acceptLoop()
    {
        while (!closed)
        {
            final Socket client;
            try
            {
                client = socket.accept();
            }
            catch (final IOException ex)
            {
                if (closed)
                {
                    return;
                }
                continue; // one client's failed accept is that client's
            }
            if (!handlerPermits.tryAcquire())
            {
                refuse(client, "ERROR busy: try again\n");
                continue;
            }
            clients.add(client);
            try
            {
                handlers.execute(() -> serve(client));
            }
            catch (final RejectedExecutionException ex)
            {
                clients.remove(client); // closing: the pool takes no more
                handlerPermits.release();
                refuse(client, "ERROR closing\n");
            }
        }
    }

    /**
     * Reads one client's line and answers it, on a handler thread.
     */
    private void serve(final Socket client)
    {
        try
        {
            final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(requestTimeoutMs);
            String reply;
            try
            {
                final String line = ControlLineReader.readLine(client, MAX_LINE, deadlineNs);
                reply = null == line ? "ERROR line too long\n" : answer(line);
            }
            catch (final SocketTimeoutException ex)
            {
                reply = "ERROR no whole command line within " + requestTimeoutMs + " ms\n";
            }
            final OutputStream out = client.getOutputStream();
            out.write(reply.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
        catch (final IOException ex)
        {
            // the client went away: nothing to answer
        }
        finally
        {
            clients.remove(client);
            closeQuietly(client);
            handlerPermits.release();
        }
    }

    private String answer(final String line)
    {
        final String command = line.trim();
        if (command.isEmpty())
        {
            return "ERROR empty command\n";
        }
        String reply;
        synchronized (commandLock)
        {
            try
            {
                reply = handler.handle(command.split("\\s+"));
            }
            catch (final RuntimeException ex)
            {
                reply = "ERROR " + (null == ex.getMessage() ? ex.toString() : ex.getMessage());
            }
            catch (final VirtualMachineError ex)
            {
                throw ex;
            }
            catch (final Error ex)
            {
                // a handler's bug, not the controller's end: answer it and keep serving
                reply = "ERROR " + ex;
            }
        }
        if (null == reply)
        {
            return "ERROR the command gave no answer\n";
        }
        return reply.endsWith("\n") ? reply : reply + "\n";
    }

    /**
     * Answers a client that is not served with one line and closes it, dropping what it has sent so far so that
     * the close does not reset the connection before the client reads the line.
     */
    private static void refuse(final Socket client, final String reply)
    {
        try
        {
            final InputStream in = client.getInputStream();
            in.skip(in.available());
            final OutputStream out = client.getOutputStream();
            out.write(reply.getBytes(StandardCharsets.UTF_8));
            out.flush();
            client.shutdownOutput();
        }
        catch (final IOException ex)
        {
            // the client went away
        }
        finally
        {
            closeQuietly(client);
        }
    }

    private static void closeQuietly(final Socket client)
    {
        try
        {
            client.close();
        }
        catch (final IOException ex)
        {
            // closed either way
        }
    }

    public void close() throws IOException
    {
        closed = true;
        socket.close();
        handlers.shutdown();
        for (final Socket client : clients)
        {
            closeQuietly(client); // a handler blocked reading it returns at once
        }
        try
        {
            acceptor.join(CLOSE_WAIT_MS);
            handlers.awaitTermination(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
