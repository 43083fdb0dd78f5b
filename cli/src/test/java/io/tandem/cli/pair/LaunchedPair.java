package io.tandem.cli.pair;

import io.tandem.cli.Tandem;
import io.tandem.staging.testing.ChildJvm;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A primary and a secondary, each a JVM started through the launcher's main class, on ports of the test's
 * choosing and a data directory of its own. Stops whatever is still running by process id on close.
 */
final class LaunchedPair implements AutoCloseable
{
    static final String VOLUME_SIZE = "64M";

    final Path dir;
    final int nbdBase;
    final int controlBase;
    /** The volume's service address's port: the owner of the pool listens on it. */
    final int servicePort;
    final int portBase;
    ChildJvm primary;
    ChildJvm secondary;
    final List<String> extra = new ArrayList<>();
    /** JVM arguments of every controller started from now on: system properties without a CLI option. */
    final List<String> jvmArgs = new ArrayList<>();
    /** Every child ever started, so close() stops whatever still runs, whichever test variable held it. */
    private final List<ChildJvm> started = new ArrayList<>();

    /** Controller N's metrics and console on metricsBase + N; 0 (the default here): none. */
    int metricsBase;

    LaunchedPair(final Path dir, final int nbdBase, final int portBase)
    {
        this(dir, nbdBase, nbdBase + 100, portBase);
    }

    /**
     * A pair whose control ports start at {@code controlBase} rather than 100 above the NBD ports.
     *
     * @param controlBase the control port of controller 0; controller 1's is the next.
     */
    LaunchedPair(final Path dir, final int nbdBase, final int controlBase, final int portBase)
    {
        this.dir = dir;
        this.nbdBase = nbdBase;
        this.controlBase = controlBase;
        this.servicePort = nbdBase + 2;
        this.portBase = portBase;
    }

    List<String> options(final int id)
    {
        final List<String> args = new ArrayList<>(List.of(
            "--data-dir", dir.resolve("data").toString(),
            "--aeron-dir", dir.resolve("aeron").toString(),
            "--nvram-memory", dir.resolve("nvram-memory").toString(), // in the test's directory, removed with it
            "--nbd-port", Integer.toString(nbdBase + id),
            "--control-port", Integer.toString(controlBase + id),
            "--service-address", "127.0.0.1:" + servicePort,
            "--volume-size", VOLUME_SIZE,
            "--nvram-size", "8M",
            "--cache-size", "32M",
            "--data-port-base", Integer.toString(portBase),
            "--ack-port-base", Integer.toString(portBase + 20),
            "--metrics-port", Integer.toString(0 == metricsBase ? 0 : metricsBase + id)));
        args.addAll(extra);
        return args;
    }

    ChildJvm startSecondary() throws IOException
    {
        secondary = start(1, "secondary");
        return secondary;
    }

    ChildJvm startPrimary() throws IOException
    {
        primary = start(0, "primary");
        return primary;
    }

    /**
     * Starts controller {@code id} asking for {@code role}; it may take another (a primary whose partner owns
     * the pool rejoins as secondary).
     */
    ChildJvm start(final int id, final String role) throws IOException
    {
        final List<String> args = new ArrayList<>(List.of(role, "--id", Integer.toString(id)));
        args.addAll(options(id));
        return start(args, role + "-" + id);
    }

    private ChildJvm start(final List<String> args, final String name) throws IOException
    {
        final ChildJvm child = ChildJvm.start(Tandem.class, dir.resolve(name + ".err"), jvmArgs,
            args.toArray(new String[0]));
        started.add(child);
        String line;
        while (null != (line = child.readLine()))
        {
            System.out.println(name + "> " + line);
            if (line.contains("serving nbd://") || line.contains("secondary on nbd://"))
            {
                drain(child, name);
                return child;
            }
        }
        String stderr;
        try
        {
            final List<String> lines = java.nio.file.Files.readAllLines(child.stderr());
            stderr = String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        }
        catch (final IOException ex)
        {
            stderr = "(unreadable: " + ex + ")";
        }
        throw new IllegalStateException(name + " exited before serving; the end of " + child.stderr() + ":\n" +
            stderr);
    }

    /**
     * Keeps printing what the child says, so its output pipe never fills and the test log shows its story.
     */
    private static void drain(final ChildJvm child, final String name)
    {
        final Thread thread = new Thread(() ->
        {
            try
            {
                String line;
                while (null != (line = child.readLine()))
                {
                    System.out.println(name + "> " + line);
                }
            }
            catch (final IOException ignored)
            {
                // the child is gone
            }
        }, "drain-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    String primaryUri()
    {
        return "nbd://127.0.0.1:" + nbdBase;
    }

    String controllers()
    {
        return "127.0.0.1:" + controlBase + ",127.0.0.1:" + (controlBase + 1);
    }

    void stopPrimary() throws InterruptedException, IOException
    {
        if (null != primary)
        {
            primary.terminate(30, TimeUnit.SECONDS);
            primary.close();
            primary = null;
        }
    }

    public void close() throws Exception
    {
        for (final ChildJvm child : started)
        {
            if (child.isAlive())
            {
                child.terminate(30, TimeUnit.SECONDS);
            }
            child.close();
        }
    }
}
