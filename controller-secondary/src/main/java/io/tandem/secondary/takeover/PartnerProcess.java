package io.tandem.secondary.takeover;

import io.tandem.primary.pool.Mailbox;
import io.tandem.primary.pool.MailboxFile;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Stops the partner's process for good, by the process id it published in its mailbox: how the simulator makes
 * sure a hung or stopped old primary can never wake up and write the pool after a takeover.
 * <p>
 * It kills only what is surely the partner: a live process that is not this one, runs a {@code java} command,
 * and started before the partner's last heartbeat (so a process id reused since is left alone).
 * <p>
 * Stateless; thread-safe.
 */
final class PartnerProcess
{
    /** Slack for the coarse start times the OS reports. */
    private static final long START_SLACK_MS = 1_000;

    private PartnerProcess()
    {
    }

    /**
     * Kills the partner's process if it still runs, and waits for it to be gone.
     *
     * @return what was done, for the journal.
     * @throws IllegalStateException if the process was killed and is still there after the timeout.
     */
    static String stop(final MailboxFile mailboxFile, final long exitTimeoutMs)
        throws IOException, InterruptedException
    {
        final Mailbox mailbox = mailboxFile.read();
        if (null == mailbox)
        {
            return "partner has no readable mailbox (" + mailboxFile.file() + "): no process to stop";
        }
        final long pid = mailbox.pid();
        final long heartbeatMs = mailbox.heartbeatMs();
        final String role = MailboxFile.roleName(mailbox.role());
        if (pid == ProcessHandle.current().pid())
        {
            return "partner (" + role + ") runs in this process, pid " + pid + ": not killed";
        }
        final Optional<ProcessHandle> found = ProcessHandle.of(pid);
        if (found.isEmpty() || !found.get().isAlive())
        {
            return "partner (" + role + ") pid " + pid + " is gone";
        }
        final ProcessHandle process = found.get();
        final ProcessHandle.Info info = process.info();
        final String command = info.command().orElse("");
        if (!looksLikeJava(command))
        {
            return "pid " + pid + " from the partner's mailbox runs '" + command + "', not a JVM: not killed";
        }
        final Optional<Instant> started = info.startInstant();
        if (started.isPresent() && started.get().toEpochMilli() > heartbeatMs + START_SLACK_MS)
        {
            return "pid " + pid + " started after the partner's last heartbeat: the id was reused, not killed";
        }

        final long startNs = System.nanoTime();
        process.destroyForcibly();
        try
        {
            process.onExit().get(exitTimeoutMs, TimeUnit.MILLISECONDS);
        }
        catch (final TimeoutException ex)
        {
            throw new IllegalStateException("partner (" + role + ") pid " + pid + " still runs " + exitTimeoutMs +
                " ms after it was killed; the pool is fenced by its epoch, but the partner may still have writes" +
                " in flight", ex);
        }
        catch (final ExecutionException ex)
        {
            throw new IllegalStateException("waiting for partner pid " + pid + " to exit failed", ex.getCause());
        }
        return "partner (" + role + ", last heartbeat at " + heartbeatMs + " ms) pid " + pid + " was alive: killed," +
            " gone after " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs) + " ms";
    }

    static boolean looksLikeJava(final String command)
    {
        if (command.isEmpty())
        {
            return false;
        }
        final Path name = Path.of(command).getFileName();
        return null != name && name.toString().startsWith("java");
    }
}
