package io.tandem.cli;

import java.util.concurrent.CountDownLatch;

/**
 * Keeps a launched controller running until the JVM is told to stop (SIGTERM, SIGINT), then closes it in a
 * shutdown hook so a stop is clean: the primary destages its cache, both delete their Aeron directories.
 * <p>
 * Thread-safe.
 */
final class ControllerRun
{
    private ControllerRun()
    {
    }

    static void untilStopped(final AutoCloseable controller, final String name)
    {
        final CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            System.err.println(name + ": stopping");
            try
            {
                controller.close();
            }
            catch (final Exception ex)
            {
                System.err.println(name + ": error while stopping: " + ex);
            }
            finally
            {
                closed.countDown();
            }
        }, "tandem-shutdown"));
        try
        {
            closed.await();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
