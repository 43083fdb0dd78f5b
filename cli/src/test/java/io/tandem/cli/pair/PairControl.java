package io.tandem.cli.pair;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tandem.cli.TandemCommand;
import io.tandem.controller.control.ControlClient;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the launched-pair tests do from outside: run tandem commands in this JVM, read a controller's status
 * from its control port, wait for another process to get somewhere.
 */
final class PairControl
{
    private static final ObjectMapper JSON = new ObjectMapper();

    private PairControl()
    {
    }

    /**
     * @return exit code, standard output, standard error.
     */
    static String[] run(final String... args)
    {
        final CommandLine commandLine = TandemCommand.newCommandLine();
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        final int exit = commandLine.execute(args);
        return new String[] {Integer.toString(exit), out.toString(), err.toString()};
    }

    /**
     * @return the status of the controller on control port {@code port}, "" if it does not answer.
     */
    static String status(final int port)
    {
        try
        {
            return ControlClient.send("127.0.0.1", port, "status", 2_000);
        }
        catch (final IOException ex)
        {
            return "";
        }
    }

    /**
     * @return the status of the controller on control port {@code port} as typed values ({@code ctl status
     * --json}), or an empty object if it does not answer.
     */
    static JsonNode statusJson(final int port)
    {
        try
        {
            final String reply = ControlClient.send("127.0.0.1", port, "status json", 2_000);
            return reply.startsWith("OK\n") ? JSON.readTree(reply.substring(3)) : JSON.createObjectNode();
        }
        catch (final IOException ex)
        {
            return JSON.createObjectNode();
        }
    }

    /**
     * @return the field {@code key} of {@code port}'s status as text ("" if absent).
     */
    static String field(final int port, final String key)
    {
        return statusJson(port).path(key).asText("");
    }

    /**
     * @return controller {@code primary} of the pair serves mirrored on both paths, its partner is secondary:
     * read as typed status values.
     */
    static boolean mirrored(final LaunchedPair pair, final int primary)
    {
        final JsonNode serving = statusJson(pair.controlBase + primary);
        return "primary".equals(serving.path("role").asText()) && "MIRRORED".equals(serving.path("mirror").asText()) &&
            "up".equals(serving.path("path.0").asText()) && "up".equals(serving.path("path.1").asText()) &&
            "secondary".equals(field(pair.controlBase + 1 - primary, "role"));
    }

    /**
     * Writes {@code ops} 4 KiB blocks through the NBD port {@code port} at queue depth 32 and remembers each
     * block's acknowledged version in {@code state}; fails the test if the workload does.
     */
    static void writeRemembered(final int port, final int ops, final Path state)
    {
        final String[] written = run("workload", "--target", "127.0.0.1:" + port, "--ops", Integer.toString(ops),
            "--queue-depth", "32", "--read-ratio", "0", "--span", "48M", "--no-verify-at-end",
            "--state-file", state.toString());
        assertEquals("0", written[0], written[1] + written[2]);
    }

    /**
     * Reads back every block {@code state} remembers through the NBD port {@code port}; fails the test on any
     * block older than acknowledged, or never written.
     */
    static void verifyRemembered(final int port, final Path state)
    {
        final String[] verified = run("workload", "--target", "127.0.0.1:" + port, "--verify-only", "--span", "48M",
            "--state-file", state.toString());
        assertEquals("0", verified[0], verified[1] + verified[2]);
        assertTrue(verified[1].contains(", 0 errors"), verified[1]);
    }

    static String command(final int port, final String command) throws IOException
    {
        return ControlClient.send("127.0.0.1", port, command, 5_000);
    }

    static void await(final String what, final long seconds, final BooleanSupplier condition)
        throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadlineNs)
            {
                throw new AssertionError("timed out after " + seconds + " s waiting for " + what);
            }
            Thread.sleep(50); // polling another process's status: there is no clock to step
        }
    }

    /**
     * {@link #await(String, long, BooleanSupplier)}, and on a timeout both controllers' status in the failure, so
     * a run that failed on a machine nobody can log into still says where the pair was.
     */
    static void await(final LaunchedPair pair, final String what, final long seconds,
        final BooleanSupplier condition) throws InterruptedException
    {
        try
        {
            await(what, seconds, condition);
        }
        catch (final AssertionError ex)
        {
            throw new AssertionError(ex.getMessage() + "\n--- controller 0:\n" + status(pair.controlBase) +
                "\n--- controller 1:\n" + status(pair.controlBase + 1), ex);
        }
    }

    /**
     * Checks for {@code seconds} that {@code condition} holds all along.
     */
    static void holds(final String what, final long seconds, final BooleanSupplier condition)
        throws InterruptedException
    {
        holds(what, seconds, condition, () -> "");
    }

    /**
     * As {@link #holds(String, long, BooleanSupplier)}; a failure also says what {@code seen} reads then.
     */
    static void holds(final String what, final long seconds, final BooleanSupplier condition,
        final Supplier<String> seen) throws InterruptedException
    {
        final long startNs = System.nanoTime();
        final long endNs = startNs + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < endNs)
        {
            if (!condition.getAsBoolean())
            {
                throw new AssertionError("no longer true after " +
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs) + " ms: " + what + " " + seen.get());
            }
            Thread.sleep(50); // watching another process for a while: there is no clock to step
        }
    }

    static String line(final String status, final String key)
    {
        for (final String line : status.split("\n"))
        {
            if (line.startsWith(key + "="))
            {
                return line;
            }
        }
        return "";
    }
}
