package io.tandem.cli;

import io.tandem.secondary.Controller;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;

/**
 * Launches a controller for `tandem primary` and `tandem secondary` and keeps it running until the JVM is told
 * to stop (SIGTERM, SIGINT), then closes it in a shutdown hook so a stop is clean: the primary destages its
 * cache, both delete their Aeron directories.
 * <p>
 * Thread-safe.
 */
final class ControllerRun
{
    private ControllerRun()
    {
    }

    /**
     * Launches controller {@code id} in {@code role} and runs it until the JVM is told to stop.
     *
     * @return {@link ExitCodes#FAILED} with the reason on standard error if it could not start, else
     * {@link ExitCodes#OK} once it stopped.
     */
    static int run(final CommandSpec spec, final ControllerOptions options, final int id, final Controller.Role role)
    {
        final Controller controller;
        try
        {
            controller = Controller.launch(options.toContext(id), role, System.out);
        }
        catch (final IOException | IllegalStateException | IllegalArgumentException ex)
        {
            spec.commandLine().getErr().println("tandem " + role.name().toLowerCase() + ": cannot start controller " +
                id + ": " + ex.getMessage());
            return ExitCodes.FAILED;
        }
        untilStopped(controller, "controller " + id);
        return ExitCodes.OK;
    }

    private static void untilStopped(final AutoCloseable controller, final String name)
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
