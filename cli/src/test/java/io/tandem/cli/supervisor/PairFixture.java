package io.tandem.cli.supervisor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tandem.controller.ControllerContext;
import io.tandem.primary.PrimaryController;
import io.tandem.secondary.SecondaryController;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A primary and a secondary in this JVM on a pool under a test's directory, on free NBD and control ports and
 * interconnect ports of the test's choosing, small enough to fill the NVLog quickly.
 */
final class PairFixture
{
    static final long VOLUME_SIZE = 64L << 20;

    private PairFixture()
    {
    }

    static ControllerContext context(final Path dir, final int controllerId, final int portBase)
    {
        return new ControllerContext()
            .controllerId(controllerId)
            .dataDir(dir)
            .aeronDir(dir.resolve("aeron"))
            .nbdPort(0)
            .controlPort(0)
            .dataPortBase(portBase)
            .ackPortBase(portBase + 20)
            .volumeSize(VOLUME_SIZE)
            .nvramCapacity(8L << 20)
            .cacheCapacity(16L << 20)
            .cpIntervalMs(60_000);
    }

    static PrimaryController primary(final Path dir, final int portBase, final PrintStream out) throws IOException
    {
        return PrimaryController.launch(context(dir, 0, portBase), out);
    }

    static SecondaryController secondary(final Path dir, final int portBase, final PrintStream out)
        throws IOException
    {
        return SecondaryController.launch(context(dir, 1, portBase), out);
    }

    /**
     * Waits, polling, for a condition another thread makes true; fails after {@code seconds}.
     */
    static void await(final String what, final long seconds, final BooleanSupplier condition)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadlineNs)
            {
                throw new AssertionError("timed out after " + seconds + " s waiting for " + what);
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @return the typed status ({@code statusJson()} of either role) as a tree.
     */
    static JsonNode json(final String statusJson)
    {
        try
        {
            return JSON.readTree(statusJson);
        }
        catch (final java.io.IOException ex)
        {
            throw new AssertionError("not JSON: " + statusJson, ex);
        }
    }

    /**
     * @return the number {@code key} of a typed status.
     */
    static long statusValue(final String statusJson, final String key)
    {
        final JsonNode value = json(statusJson).get(key);
        if (null == value || !value.isNumber())
        {
            throw new AssertionError("no number " + key + " in status:\n" + statusJson);
        }
        return value.asLong();
    }
}
