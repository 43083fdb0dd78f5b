package io.tandem.controller.errors;

/**
 * A fault after which a controller cannot do its job: it stops heartbeating and its process exits with
 * {@link #exitCode()}, so the partner takes the volume over. Each kind has an exit code of its own, so whoever
 * restarts the process can tell them apart.
 */
public enum FatalFault
{
    /** The agent's duty cycle threw an {@link Error} (OutOfMemoryError, StackOverflowError, ...): its thread ended. */
    AGENT_ERROR(10, "the controller's agent thread died of an Error"),
    /** The agent's runner stopped while the controller was serving (an AgentTerminationException). */
    AGENT_STOPPED(11, "the controller's agent stopped"),
    /** The NVRAM device's flusher stopped on an I/O error: no logged write can become durable any more. */
    NVRAM_FLUSHER(12, "the NVRAM flusher stopped on an I/O error"),
    /** Consecutive consistency points failed on pool I/O (not for want of space) up to the configured limit. */
    POOL_IO(13, "consistency points keep failing on pool I/O"),
    /** The supervisor could not start the role the pool gives this controller: it serves in neither. */
    SUPERVISOR(14, "the controller could not change role");

    private final int exitCode;
    private final String description;

    FatalFault(final int exitCode, final String description)
    {
        this.exitCode = exitCode;
        this.description = description;
    }

    /**
     * @return the code the controller's process exits with.
     */
    public int exitCode()
    {
        return exitCode;
    }

    /**
     * @return what happened, in a sentence fragment.
     */
    public String description()
    {
        return description;
    }
}
