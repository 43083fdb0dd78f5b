package io.tandem.controller;

import io.tandem.nvlog.NvLog;
import org.agrona.CloseHelper;

/**
 * Holds an open NVLog between its users (one mirror session and the next, one role and the next), so the next
 * takes it as it stands instead of loading the NVRAM device again and scanning it. A log is kept only once every
 * pending write of its device completed, so its view of the device is what a scan would find; a log whose device
 * failed is closed instead (the next user opens the device again and finds out for itself).
 * <p>
 * Thread-safe.
 */
public final class NvLogKeeper implements AutoCloseable
{
    private NvLog log;
    private boolean closed;

    /**
     * Keeps {@code released} for the next user; closes it instead if its device failed or the keeper is closed.
     * One log is kept at a time: one kept before (a user that did not take it) is closed.
     */
    public void keep(final NvLog released)
    {
        if (null == released)
        {
            return;
        }
        final boolean settled = settled(released);
        final NvLog before;
        synchronized (this)
        {
            if (closed || !settled)
            {
                before = released;
            }
            else
            {
                before = log;
                log = released;
            }
        }
        CloseHelper.quietClose(before);
    }

    /**
     * @return the log kept, with {@code streams} streams, now the caller's; null if none is (one of another stream
     * count is closed), and the caller opens the device.
     */
    public NvLog take(final int streams)
    {
        final NvLog kept;
        synchronized (this)
        {
            kept = log;
            log = null;
        }
        if (null != kept && kept.partitioner().streamCount() != streams)
        {
            CloseHelper.quietClose(kept);
            return null;
        }
        return kept;
    }

    /**
     * Closes the log kept, and keeps none from now on.
     */
    public void close()
    {
        final NvLog kept;
        synchronized (this)
        {
            closed = true;
            kept = log;
            log = null;
        }
        CloseHelper.quietClose(kept);
    }

    private static boolean settled(final NvLog log)
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
}
