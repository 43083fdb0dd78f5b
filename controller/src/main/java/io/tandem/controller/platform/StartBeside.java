package io.tandem.controller.platform;

import org.agrona.CloseHelper;
import org.agrona.LangUtil;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * One part of a role's start run beside the rest of it: on a thread of its own when the platform gives threads
 * ({@link ControllerPlatform#threadsOfItsOwn()}), else at once on the caller's (a simulation steps everything on
 * one thread). For a part that needs nothing the rest of the start makes, such as the primary's interconnect
 * endpoint (35-50 ms of a giveback's start on 2 cores). The caller either {@link #join()}s it or, if the start
 * fails first, {@link #close()}s it: what was started is closed once it is done.
 * <p>
 * Thread-safe.
 *
 * @param <T> what the part makes.
 */
public final class StartBeside<T extends AutoCloseable> implements AutoCloseable
{
    private final String name;
    private final FutureTask<T> task;
    private boolean taken;

    private StartBeside(final String name, final Callable<T> part)
    {
        this.name = name;
        this.task = new FutureTask<>(part);
    }

    /**
     * Starts {@code part} beside the caller, as {@code platform} allows.
     *
     * @param name names its thread.
     */
    public static <T extends AutoCloseable> StartBeside<T> start(
        final ControllerPlatform platform, final String name, final Callable<T> part)
    {
        final StartBeside<T> beside = new StartBeside<>(name, part);
        if (platform.threadsOfItsOwn())
        {
            platform.startJob(name, beside.task);
        }
        else
        {
            beside.task.run();
        }
        return beside;
    }

    /**
     * Waits for the part and takes what it made, or throws what it threw. Interrupted, it leaves the part to
     * {@link #close()} and throws.
     */
    public synchronized T join()
    {
        try
        {
            final T made = task.get();
            taken = true;
            return made;
        }
        catch (final ExecutionException ex)
        {
            taken = true;
            LangUtil.rethrowUnchecked(ex.getCause());
            return null;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + name, ex);
        }
    }

    /**
     * Unless it was joined: waits for the part and closes what it made (the start it belonged to failed).
     */
    public synchronized void close()
    {
        if (taken)
        {
            return;
        }
        taken = true;
        boolean interrupted = false;
        while (true)
        {
            try
            {
                CloseHelper.quietClose(task.get());
                break;
            }
            catch (final InterruptedException ex)
            {
                interrupted = true;
            }
            catch (final ExecutionException ex)
            {
                break; // nothing was made
            }
        }
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
    }
}
