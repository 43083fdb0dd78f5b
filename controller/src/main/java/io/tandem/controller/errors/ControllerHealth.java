package io.tandem.controller.errors;

import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.EpochClock;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Whether a controller can still do its job. The first {@link FatalFault} reported is kept, with its cause and
 * time, and the {@link FatalFaultHandler} is told once; later reports are ignored. From then on
 * {@link #mayBeat(Throwable)} is false, so the controller's mailbox heartbeat stops and the partner sees it go
 * stale even before the process has exited.
 * <p>
 * One per process: the launcher makes it with its exit as the handler and every role's controller reports to it.
 * <p>
 * Thread-safe: any thread may report a fault or read the verdict.
 */
public final class ControllerHealth
{
    private final FatalFaultHandler handler;
    private final EpochClock epochClock;
    private final AtomicReference<Failure> failure = new AtomicReference<>();

    /**
     * @param handler    told once of the first fatal fault.
     * @param epochClock when a fault happened, for the status.
     */
    public ControllerHealth(final FatalFaultHandler handler, final EpochClock epochClock)
    {
        this.handler = handler;
        this.epochClock = epochClock;
    }

    /**
     * Records {@code fault} unless one was recorded already, and tells the handler.
     *
     * @return true if this call recorded it.
     */
    public boolean fail(final FatalFault fault, final Throwable cause)
    {
        if (!failure.compareAndSet(null, new Failure(fault, cause, epochClock.time())))
        {
            return false;
        }
        handler.onFatal(fault, cause);
        return true;
    }

    /**
     * For the agent's error handler: an {@link Error} ends the agent's thread (Agrona's AgentRunner rethrows it
     * after handling), and an {@link AgentTerminationException} stops its runner; either leaves the controller
     * without its duty cycle. Other exceptions are the error log's business.
     */
    public void onAgentError(final Throwable error)
    {
        if (error instanceof Error)
        {
            fail(FatalFault.AGENT_ERROR, error);
        }
        else if (error instanceof AgentTerminationException)
        {
            fail(FatalFault.AGENT_STOPPED, error);
        }
    }

    /**
     * Checks what the heartbeat vouches for, before each beat: reports {@link FatalFault#NVRAM_FLUSHER} if the
     * NVRAM device's flusher has stopped.
     *
     * @param nvramFailure what stopped the controller's NVRAM flusher ({@code NvramDevice.failure()}), or null
     *                     while it runs or no device is open.
     * @return true while no fatal fault has been recorded.
     */
    public boolean mayBeat(final Throwable nvramFailure)
    {
        if (null != nvramFailure)
        {
            fail(FatalFault.NVRAM_FLUSHER, nvramFailure);
        }
        return null == failure.get();
    }

    public boolean isFailed()
    {
        return null != failure.get();
    }

    /**
     * @return the recorded fault, or null while healthy.
     */
    public FatalFault fault()
    {
        final Failure current = failure.get();
        return null == current ? null : current.fault;
    }

    /**
     * @return the recorded fault's cause, or null.
     */
    public Throwable cause()
    {
        final Failure current = failure.get();
        return null == current ? null : current.cause;
    }

    /**
     * Appends {@code health=ok}, or {@code health=failed FAULT at <epoch ms>: description (cause)}, and a newline.
     */
    public void appendStatus(final StringBuilder out)
    {
        final Failure current = failure.get();
        out.append("health=");
        if (null == current)
        {
            out.append("ok\n");
            return;
        }
        out.append("failed ").append(current.fault.name()).append(" at ").append(current.timeMs).append(": ")
            .append(current.fault.description());
        if (null != current.cause)
        {
            out.append(" (").append(current.cause).append(')');
        }
        out.append('\n');
    }

    private record Failure(FatalFault fault, Throwable cause, long timeMs)
    {
    }
}
