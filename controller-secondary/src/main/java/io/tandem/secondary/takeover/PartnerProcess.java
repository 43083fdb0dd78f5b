package io.tandem.secondary.takeover;

import io.tandem.controller.pool.Mailbox;
import io.tandem.controller.pool.MailboxFile;
import io.tandem.controller.pool.RunIdentity;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Stops the partner's process for good, by the run it published in its mailbox ({@link RunIdentity}): how the
 * simulator makes sure a hung or paused old primary can never wake up and write the pool after a takeover.
 * <p>
 * A process id alone proves nothing: it may have been reused, or belong to another pid namespace. So the
 * partner's run counts as gone only when this process shares its pid namespace and finds no process with that
 * id, or one that started at another time; it is killed only when the process found started when the run
 * did. A paused process (SIGSTOP) is killed like any other. When neither can be shown (another pid namespace,
 * the OS hides start times) the step waits for the partner's own word that it is fenced in its mailbox, and
 * fails with the reason if that does not come: the takeover then does not serve, rather than risk two
 * writers.
 * <p>
 * Stateless; thread-safe.
 */
final class PartnerProcess
{
    /** Slack for the coarse start times the OS reports. */
    private static final long START_SLACK_MS = 1_000;
    private static final long POLL_MS = 20;

    private PartnerProcess()
    {
    }

    /**
     * What {@link #stop} found.
     *
     * @param visible false if the partner's process cannot be seen from here, so its run could be neither
     *                killed nor proved gone: wait for its word instead ({@link #awaitFenced}), once the pool is
     *                taken.
     * @param detail  what was done or found, for the journal.
     */
    record Stop(boolean visible, String detail)
    {
    }

    /**
     * Makes sure the partner's run is gone, where this process can see it: kills it if it still runs, and waits
     * for it to be gone. Called before the pool is taken: a hung partner may hold the pool's lock, which its
     * death releases.
     *
     * @throws IllegalStateException if the partner's run was killed and is still there after the timeout.
     */
    static Stop stop(final MailboxFile mailboxFile, final long exitTimeoutMs)
        throws IOException, InterruptedException
    {
        final Mailbox mailbox = mailboxFile.read();
        if (null == mailbox)
        {
            return new Stop(true, "partner has no readable mailbox (" + mailboxFile.file() + "): it never ran, no " +
                "process to stop");
        }
        final RunIdentity partner = mailbox.run();
        final RunIdentity self = RunIdentity.current();
        final String role = MailboxFile.roleName(mailbox.role());
        if (partner.runId() == self.runId())
        {
            return new Stop(true, "partner (" + role + ") runs in this process, pid " + partner.pid() + ": not killed");
        }
        if (partner.pidNamespace() < 0 || partner.pidNamespace() != self.pidNamespace())
        {
            return new Stop(false, "partner (" + role + ") pid " + partner.pid() + " runs in pid namespace " +
                partner.pidNamespace() + ", this controller in " + self.pidNamespace() +
                ": its process cannot be seen from here");
        }
        final Optional<ProcessHandle> found = ProcessHandle.of(partner.pid());
        if (found.isEmpty() || !found.get().isAlive())
        {
            return new Stop(true, "partner (" + role + ") pid " + partner.pid() + " is gone (no such process in this " +
                "pid namespace)");
        }
        final ProcessHandle process = found.get();
        final Optional<java.time.Instant> started = process.info().startInstant();
        if (partner.startMs() < 0 || started.isEmpty())
        {
            return new Stop(false, "partner (" + role + ") pid " + partner.pid() + ": the OS does not say when the " +
                "process started, so it cannot be told from another");
        }
        if (Math.abs(started.get().toEpochMilli() - partner.startMs()) > START_SLACK_MS)
        {
            return new Stop(true, "partner (" + role + ") pid " + partner.pid() + " is gone: the pid now names a " +
                "process started at " + started.get().toEpochMilli() + " ms, the partner's started at " +
                partner.startMs() + " ms");
        }

        final long startNs = System.nanoTime();
        process.destroyForcibly();
        try
        {
            process.onExit().get(exitTimeoutMs, TimeUnit.MILLISECONDS);
        }
        catch (final TimeoutException ex)
        {
            throw new IllegalStateException("partner (" + role + ") pid " + partner.pid() + " still runs " +
                exitTimeoutMs + " ms after it was killed: the pool is fenced by its epoch, but the takeover does not " +
                "serve while the old owner may still have writes in flight", ex);
        }
        catch (final ExecutionException ex)
        {
            throw new IllegalStateException("waiting for partner pid " + partner.pid() + " to exit failed",
                ex.getCause());
        }
        return new Stop(true, "partner (" + role + ", last heartbeat at " + mailbox.heartbeatMs() + " ms) pid " +
            partner.pid() + " was alive: killed, gone after " +
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs) + " ms");
    }

    /**
     * Waits for the partner's mailbox to say it is fenced: that it found an epoch newer than its own, the one this
     * takeover took ({@code newEpoch}).
     *
     * @throws IllegalStateException if it does not say so within the timeout.
     */
    static String awaitFenced(
        final MailboxFile mailboxFile, final long newEpoch, final long timeoutMs, final String why)
        throws IOException, InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (true)
        {
            final Mailbox mailbox = mailboxFile.read();
            if (null != mailbox && MailboxFile.ROLE_FENCED == mailbox.role() && mailbox.epoch() < newEpoch)
            {
                return why + "; it reports itself fenced, writing nothing more";
            }
            if (System.nanoTime() >= deadlineNs)
            {
                throw new IllegalStateException(why + ", and it did not report itself fenced within " + timeoutMs +
                    " ms: it may still write the pool, so the takeover does not serve (stop it, then " +
                    "`tandem ctl takeover --force`)");
            }
            TimeUnit.MILLISECONDS.sleep(POLL_MS); // off the agent: a takeover step on the recovery engine's thread
        }
    }
}
