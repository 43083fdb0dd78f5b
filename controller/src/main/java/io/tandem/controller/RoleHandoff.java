package io.tandem.controller;

import io.tandem.interconnect.DriverSpares;
import io.tandem.interconnect.RetiredEndpoints;
import io.tandem.nvlog.NvLog;
import io.tandem.staging.CompletionHandler;
import org.agrona.CloseHelper;

/**
 * What a controller keeps from one role to the next, as an appliance's controller keeps its NVRAM and its
 * interconnect when it changes role:
 * <ul>
 *   <li>its NVLog, open over its NVRAM ({@link NvLogKeeper}): the next role takes it as it stands instead of
 *   loading the NVRAM device again and scanning it (250-400 ms for 64 MiB on a 2-core machine, on the path of every
 *   takeover, giveback and resync);</li>
 *   <li>a media driver launched ahead of time for the next interconnect endpoint ({@link DriverSpares});</li>
 *   <li>the endpoints of the roles before, closed a second after their role ended ({@link RetiredEndpoints}), so
 *   that closing them does not compete with the start of the next role or of the partner's.</li>
 * </ul>
 * NVRAM completions wake whichever role's agent runs now.
 * <p>
 * Owned by whoever runs a controller's roles one after another in one process (the CLI's supervisor, the
 * simulator's process), which closes it; a process that dies takes it with it. Thread-safe.
 */
public final class RoleHandoff implements AutoCloseable
{
    private final DriverSpares driverSpares;
    private final RetiredEndpoints retiredEndpoints = new RetiredEndpoints();
    private final CompletionHandler nvramCompletions = ticket ->
    {
        final AgentIdling current = RoleHandoff.this.agent;
        if (null != current)
        {
            current.wake();
        }
    };
    private final java.util.concurrent.Semaphore roleEnds = new java.util.concurrent.Semaphore(0);
    private final NvLogKeeper logs = new NvLogKeeper();
    private volatile AgentIdling agent;

    /**
     * @param driverSpares the spare media drivers, or null for each endpoint to launch its own.
     */
    public RoleHandoff(final DriverSpares driverSpares)
    {
        this.driverSpares = driverSpares;
    }

    /**
     * @return the spare media drivers, or null.
     */
    public DriverSpares driverSpares()
    {
        return driverSpares;
    }

    /**
     * @return where the roles' interconnect endpoints are closed once they are done with them.
     */
    public RetiredEndpoints retiredEndpoints()
    {
        return retiredEndpoints;
    }

    /**
     * @return the NVLog the role before kept, with {@code streams} streams, now the caller's; or null to open it.
     */
    public NvLog takeLog(final int streams)
    {
        return logs.take(streams);
    }

    /**
     * Keeps a role's NVLog for the next role ({@link NvLogKeeper#keep}).
     */
    public void keepLog(final NvLog released)
    {
        logs.keep(released);
    }

    /**
     * The running role's agent, woken when NVRAM writes complete.
     */
    void agent(final AgentIdling agent)
    {
        this.agent = agent;
    }

    CompletionHandler nvramCompletions()
    {
        return nvramCompletions;
    }

    /**
     * The running role has ended (a handover, a giveback, a fence): wakes whoever waits to start the next. From
     * any thread.
     */
    public void roleEnding()
    {
        roleEnds.release();
    }

    /**
     * Waits until a role says it ended, or {@code timeoutMs}: the runner of the roles polls them no longer than
     * that, and at once when one ends.
     */
    public void awaitRoleEnd(final long timeoutMs) throws InterruptedException
    {
        if (roleEnds.tryAcquire(timeoutMs, java.util.concurrent.TimeUnit.MILLISECONDS))
        {
            roleEnds.drainPermits();
        }
    }

    /**
     * Closes the retired endpoints, the kept log and the spare drivers.
     */
    public void close()
    {
        CloseHelper.quietCloseAll(retiredEndpoints, logs, driverSpares);
    }
}
