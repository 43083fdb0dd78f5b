package io.tandem.cli;

import io.tandem.controller.errors.ControllerHealth;
import io.tandem.controller.errors.FatalFault;
import io.tandem.cli.supervisor.RoleSupervisor;
import org.agrona.concurrent.SystemEpochClock;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;

/**
 * Launches a controller for `tandem primary` and `tandem secondary` and keeps it running until the JVM is told
 * to stop (SIGTERM, SIGINT), then closes it in a shutdown hook so a stop is clean: the primary destages its
 * cache, both delete their Aeron directories. A controller that reports a {@link FatalFault} to its
 * {@link ControllerHealth} ends the run with the fault's exit code: the JVM exits (closing the controller in the
 * hook, or halting if that takes longer than {@link #FATAL_CLOSE_MS}) and the partner takes over.
 * <p>
 * Thread-safe.
 */
final class ControllerRun
{
    /** How long a controller that hit a fatal fault may take to close before the JVM is halted. */
    static final long FATAL_CLOSE_MS = 10_000;

    /**
     * Held, and reachable, for the life of the process: a lock whose channel the collector closed would be let go
     * of, and the partner would be told this process exited (it checks the process table too, but must not need
     * to).
     */
    private static io.tandem.controller.platform.RunLock runLock;

    private ControllerRun()
    {
    }

    /**
     * Launches controller {@code id} in {@code role} and runs it until the JVM is told to stop.
     *
     * @return {@link ExitCodes#FAILED} with the reason on standard error if it could not start,
     * {@link FatalFault#exitCode()} if it hit a fatal fault, else {@link ExitCodes#OK} once it stopped.
     */
    static int run(
        final CommandSpec spec, final ControllerOptions options, final int id, final RoleSupervisor.Role role)
    {
        final CountDownLatch stopped = new CountDownLatch(1);
        final ControllerHealth health = new ControllerHealth((fault, cause) -> stopped.countDown(),
            SystemEpochClock.INSTANCE);
        final RoleSupervisor controller;
        final java.util.concurrent.atomic.AtomicReference<RoleSupervisor> running =
            new java.util.concurrent.atomic.AtomicReference<>();
        io.tandem.controller.metrics.MetricsServer metrics = null;
        try
        {
            final io.tandem.controller.ControllerContext ctx = options.toContext(id).health(health)
                .telemetry(new io.tandem.controller.metrics.ControllerTelemetry());
            final io.tandem.controller.ControllerContext concluded = ctx.copy().conclude(); // refused before anything
            // the metrics port, bound first: one that cannot be had stops the start with the reason
            metrics = MetricsPort.start(options, concluded, () ->
            {
                final RoleSupervisor supervisor = running.get();
                return null == supervisor ? null : supervisor.roleMetrics();
            });
            // this process's claim on the controller's directory, for its whole life: the kernel lets it go at
            // the exit, which tells the partner's exit watch at once; a second process for this controller stops here
            java.nio.file.Files.createDirectories(ctx.controllerDir());
            runLock = io.tandem.controller.platform.RunLock.hold(ctx.controllerDir(),
                io.tandem.controller.pool.RunIdentity.current());
            controller = RoleSupervisor.launch(ctx, role, System.out);
            running.set(controller);
            if (null != metrics)
            {
                System.out.println("controller " + id + ": metrics on http://" + options.metricsAddress + ":" +
                    metrics.port() + "/metrics, console on http://" + options.metricsAddress + ":" + metrics.port() +
                    "/");
            }
        }
        catch (final IOException | IllegalStateException | IllegalArgumentException ex)
        {
            org.agrona.CloseHelper.quietClose(metrics);
            spec.commandLine().getErr().println("tandem " + role.name().toLowerCase() + ": cannot start controller " +
                id + ": " + ex.getMessage());
            return ExitCodes.FAILED;
        }
        untilStopped(controller, "controller " + id, stopped, health, options.givebackTimeout.toMillis());
        org.agrona.CloseHelper.quietClose(metrics);
        final FatalFault fault = health.fault();
        if (null == fault)
        {
            return ExitCodes.OK;
        }
        spec.commandLine().getErr().println("tandem " + role.name().toLowerCase() + ": controller " + id + ": " +
            fault.description() + " (" + health.cause() + "): exiting with code " + fault.exitCode() +
            " so the partner takes over");
        final Thread halt = new Thread(() ->
        {
            try
            {
                Thread.sleep(FATAL_CLOSE_MS);
                Runtime.getRuntime().halt(fault.exitCode());
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }, "tandem-fatal-halt");
        halt.setDaemon(true);
        halt.start();
        return fault.exitCode();
    }

    /**
     * Waits until the JVM is told to stop and the controller is closed, or a fatal fault counts {@code closed}
     * down first. Told to stop (SIGTERM, Ctrl-C) while it serves, it hands the volume to an in-sync partner
     * before it closes ({@link RoleSupervisor#handOverForStop}).
     */
    private static void untilStopped(
        final RoleSupervisor controller,
        final String name,
        final CountDownLatch closed,
        final ControllerHealth health,
        final long handOverMs)
    {
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            System.err.println(name + ": stopping");
            try
            {
                if (null == controller.failure() && null == health.fault())
                {
                    // a planned stop: the partner gets the volume now rather than after finding this one gone
                    System.err.println(name + ": " + controller.handOverForStop(handOverMs));
                }
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
