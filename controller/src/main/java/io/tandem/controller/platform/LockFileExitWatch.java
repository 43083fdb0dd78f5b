package io.tandem.controller.platform;

import io.tandem.controller.pool.RunIdentity;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The partner's exit as the kernel reports it on one host: a thread of its own waits for the partner's
 * {@link RunLock}. The kernel grants it the moment the holder exits; the watch reads which run held it, lets it go
 * again at once (the partner's next run takes it), and publishes that run as exited once the process table agrees.
 * The kernel lets a dying process's files go before its last thread is gone: a JVM of many threads on a busy host
 * is a zombie only some tens of milliseconds later, so the watch polls the process table every millisecond for
 * up to {@link #GONE_WAIT_MS} before it tells the listener, who would otherwise find the run still alive and
 * decide at its next heartbeat. Found free with a run already reported, it looks again 20 ms later, so that a
 * restarted partner gets in.
 * <p>
 * Thread-safe.
 */
final class LockFileExitWatch implements PartnerExitWatch, Runnable
{
    private static final long RECHECK_MS = 20;
    private static final long GONE_WAIT_MS = 1_000;

    private final Path file;
    private final Thread thread;
    private volatile long exitedRunId;
    private volatile Runnable listener;
    private volatile boolean closed;
    private volatile FileChannel channel;

    LockFileExitWatch(final Path partnerDir, final String threadName)
    {
        this.file = partnerDir.resolve(RunLock.FILE_NAME);
        this.thread = new Thread(this, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * The lock says the run exited; the process table must agree: no process with the run's pid in this pid
     * namespace, one started at another time, or a zombie. A lock let go of by a live process (a bug: its file
     * closed) is so never taken for an exit.
     */
    public boolean exited(final RunIdentity run)
    {
        return 0 != run.runId() && run.runId() == exitedRunId && OsPlatform.processGone(run);
    }

    public void onExit(final Runnable listener)
    {
        this.listener = listener;
    }

    public void run()
    {
        while (!closed)
        {
            try
            {
                if (Files.exists(file.getParent()))
                {
                    try (FileChannel watched = FileChannel.open(file, StandardOpenOption.CREATE,
                        StandardOpenOption.READ, StandardOpenOption.WRITE))
                    {
                        channel = watched;
                        if (closed)
                        {
                            return;
                        }
                        final RunIdentity run;
                        try (FileLock ignore = watched.lock()) // waits while a live partner holds it
                        {
                            run = RunLock.runIn(watched);
                        }
                        if (null != run && run.runId() != exitedRunId && awaitGone(run))
                        {
                            exitedRunId = run.runId();
                            final Runnable told = listener;
                            if (null != told)
                            {
                                told.run();
                            }
                        }
                    }
                }
                Thread.sleep(RECHECK_MS);
            }
            catch (final InterruptedException ex)
            {
                return;
            }
            catch (final IOException | RuntimeException ex)
            {
                if (closed)
                {
                    return;
                }
                try
                {
                    Thread.sleep(RECHECK_MS); // the directory is being made, say: look again
                }
                catch (final InterruptedException stop)
                {
                    return;
                }
            }
        }
    }

    /**
     * @return true once the process table agrees that {@code run} is gone (at once for a run whose pid the lock file
     * does not name); false if it still runs {@link #GONE_WAIT_MS} later: a live process let its lock go, and its
     * run is looked at again at the next grant.
     */
    private boolean awaitGone(final RunIdentity run) throws InterruptedException
    {
        return run.pid() < 0 || OsPlatform.awaitGone(run, GONE_WAIT_MS, () -> closed);
    }

    public void close()
    {
        closed = true;
        final FileChannel current = channel;
        if (null != current)
        {
            try
            {
                current.close(); // ends a wait on the lock
            }
            catch (final IOException ignore)
            {
                // closing anyway
            }
        }
        thread.interrupt();
    }
}
