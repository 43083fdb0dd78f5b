package io.tandem.cli.supervisor;

import io.tandem.secondary.SecondaryController;
import io.tandem.controller.ControllerContext;
import io.tandem.primary.PrimaryController;

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

    static long statusValue(final String status, final String key)
    {
        for (final String line : status.split("\n"))
        {
            if (line.startsWith(key + "="))
            {
                final String value = line.substring(key.length() + 1).split(" ")[0];
                return Long.parseLong(value);
            }
        }
        throw new AssertionError("no " + key + " in status:\n" + status);
    }
}
