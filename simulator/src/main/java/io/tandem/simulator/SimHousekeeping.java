package io.tandem.simulator;

import java.util.Collections;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RunnableScheduledFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A controller's housekeeping thread, simulated: each task is an event of its process on the simulation's queue,
 * run after the latency the simulation draws for the pool (so a pool change the agent hands off lands some
 * simulated time later, and a slow pool makes it later still). A heartbeat scheduled with a fixed delay queues
 * its next run when it ends, as the real executor does.
 * <p>
 * Not thread-safe: the simulation has one thread.
 */
final class SimHousekeeping extends AbstractExecutorService implements ScheduledExecutorService
{
    private final Simulation simulation;
    private final SimProcess process;
    private boolean shutdown;

    SimHousekeeping(final Simulation simulation, final SimProcess process)
    {
        this.simulation = simulation;
        this.process = process;
    }

    public void execute(final Runnable command)
    {
        if (!shutdown)
        {
            final long atNs = simulation.clock().nanoTime() + simulation.injector().poolLatencyNs();
            simulation.events().schedule(atNs, process, command);
        }
    }

    public ScheduledFuture<?> schedule(final Runnable command, final long delay, final TimeUnit unit)
    {
        final Task<Object> task = new Task<>(Executors.callable(command), -1);
        task.event = simulation.events().schedule(simulation.clock().nanoTime() + unit.toNanos(delay), process, task);
        return task;
    }

    public <V> ScheduledFuture<V> schedule(final Callable<V> callable, final long delay, final TimeUnit unit)
    {
        final Task<V> task = new Task<>(callable, -1);
        task.event = simulation.events().schedule(simulation.clock().nanoTime() + unit.toNanos(delay), process, task);
        return task;
    }

    public ScheduledFuture<?> scheduleAtFixedRate(
        final Runnable command, final long initialDelay, final long period, final TimeUnit unit)
    {
        return scheduleWithFixedDelay(command, initialDelay, period, unit);
    }

    public ScheduledFuture<?> scheduleWithFixedDelay(
        final Runnable command, final long initialDelay, final long delay, final TimeUnit unit)
    {
        final Task<Object> task = new Task<>(Executors.callable(command), unit.toNanos(delay));
        task.event = simulation.events().schedule(
            simulation.clock().nanoTime() + unit.toNanos(initialDelay), process, task);
        return task;
    }

    public void shutdown()
    {
        shutdown = true;
    }

    public List<Runnable> shutdownNow()
    {
        shutdown = true;
        return Collections.emptyList();
    }

    public boolean isShutdown()
    {
        return shutdown;
    }

    public boolean isTerminated()
    {
        return shutdown;
    }

    public boolean awaitTermination(final long timeout, final TimeUnit unit)
    {
        return true;
    }

    /** Executors.callable without java.util.concurrent.Executors' thread factories nearby. */
    private static final class Executors
    {
        static Callable<Object> callable(final Runnable command)
        {
            return () ->
            {
                command.run();
                return null;
            };
        }
    }

    /**
     * A task on the simulation's queue; a periodic one queues itself again after each run.
     */
    private final class Task<V> extends FutureTask<V> implements RunnableScheduledFuture<V>
    {
        private final long periodNs;
        EventQueue.Event event;

        Task(final Callable<V> callable, final long periodNs)
        {
            super(callable);
            this.periodNs = periodNs;
        }

        public boolean isPeriodic()
        {
            return periodNs > 0;
        }

        public void run()
        {
            if (shutdown || isCancelled())
            {
                return;
            }
            if (!isPeriodic())
            {
                super.run();
                return;
            }
            if (runAndReset() && !shutdown)
            {
                event = simulation.events().schedule(simulation.clock().nanoTime() + periodNs, process, this);
            }
        }

        public boolean cancel(final boolean mayInterruptIfRunning)
        {
            if (null != event)
            {
                event.cancelled = true;
            }
            return super.cancel(mayInterruptIfRunning);
        }

        public long getDelay(final TimeUnit unit)
        {
            return unit.convert(null == event ? 0 : event.atNs - simulation.clock().nanoTime(), TimeUnit.NANOSECONDS);
        }

        public int compareTo(final Delayed other)
        {
            return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
        }
    }
}
