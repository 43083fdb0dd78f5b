package io.tandem.controller;

import io.tandem.interconnect.DriverSpares;
import io.tandem.nvlog.NvLog;
import io.tandem.staging.CompletionHandler;
import org.agrona.CloseHelper;

/**
 * What a controller keeps from one role to the next, as an appliance's controller keeps its NVRAM and its
 * interconnect when it changes role:
 * <ul>
 *   <li>its NVLog, open over its NVRAM: the next role takes it as it stands instead of loading the NVRAM device
 *   again and scanning it (250-400 ms for 64 MiB on a 2-core machine, on the path of every takeover, giveback and
 *   resync). The log is the same bytes either way: an open log's view of its device is what a scan of the device
 *   would find once its pending writes completed, and those are waited for before it is kept;</li>
 *   <li>a media driver launched ahead of time for the next interconnect endpoint ({@link DriverSpares}).</li>
 * </ul>
 * NVRAM completions wake whichever role's agent runs now. A log whose device failed is closed, not kept: the next
 * role opens the device again and finds out for itself.
 * <p>
 * Owned by whoever runs a controller's roles one after another in one process (the CLI's supervisor, the
 * simulator's process), which closes it; a process that dies takes it with it. Thread-safe.
 */
public final class RoleHandoff implements AutoCloseable
{
    private final DriverSpares driverSpares;
    private final CompletionHandler nvramCompletions = ticket ->
    {
        final AgentIdling current = RoleHandoff.this.agent;
        if (null != current)
        {
            current.wake();
        }
    };
    private final java.util.concurrent.Semaphore roleEnds = new java.util.concurrent.Semaphore(0);
    private volatile AgentIdling agent;
    private NvLog log;
    private boolean closed;

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
     * @return the NVLog the role before kept, with {@code streams} streams, now the caller's; or null to open it.
     */
    public synchronized NvLog takeLog(final int streams)
    {
        final NvLog kept = log;
        log = null;
        if (null != kept && kept.partitioner().streamCount() != streams)
        {
            CloseHelper.quietClose(kept);
            return null;
        }
        return kept;
    }

    /**
     * Keeps a role's NVLog for the next role, once its pending writes completed; closes it instead if its device
     * failed, or if the handoff is closed.
     */
    public synchronized void keepLog(final NvLog released)
    {
        if (null == released)
        {
            return;
        }
        if (!closed && null == log && settled(released))
        {
            log = released;
        }
        else
        {
            CloseHelper.quietClose(released);
        }
    }

    /**
     * @return true once every pending write of the log's device completed; false if its device failed (then the
     * log should be closed, not kept: opening the device again finds out what it holds).
     */
    public static boolean settled(final NvLog log)
    {
        if (null != log.device().failure())
        {
            return false;
        }
        try
        {
            log.device().awaitCompletion(log.device().lastTicket());
            return true;
        }
        catch (final RuntimeException ex)
        {
            return false;
        }
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
     * Closes the kept log and the spare drivers.
     */
    public synchronized void close()
    {
        closed = true;
        final NvLog kept = log;
        log = null;
        CloseHelper.quietCloseAll(kept, driverSpares);
    }
}
