package io.tandem.secondary.takeover;

import io.tandem.controller.platform.ControllerPlatform;
import io.tandem.controller.platform.RunStop;
import io.tandem.controller.pool.Mailbox;
import io.tandem.controller.pool.MailboxFile;
import io.tandem.controller.pool.RunIdentity;
import org.agrona.concurrent.NanoClock;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Stops the partner's process for good, by the run it published in its mailbox ({@link RunIdentity}), so a hung
 * or paused old primary can never wake up and write the pool after a takeover. How a run is stopped is the
 * platform's ({@link io.tandem.controller.platform.OsPlatform} through the OS's processes; the simulator drops a simulated process). When the
 * partner's process cannot be seen, the step waits for the partner's own word that it is fenced in its mailbox,
 * and fails with the reason if that does not come: the takeover then does not serve, rather than risk two
 * writers.
 * <p>
 * Stateless; thread-safe.
 */
final class PartnerProcess
{
    private static final long POLL_MS = 20;

    private PartnerProcess()
    {
    }

    /**
     * Makes sure the partner's run is gone, where this process can see it: kills it if it still runs, and waits
     * for it to be gone. Called before the pool is taken: a hung partner may hold the pool's lock, which its
     * death releases.
     *
     * @throws IllegalStateException if the partner's run was killed and is still there after the timeout.
     */
    static RunStop stop(final MailboxFile mailboxFile, final long exitTimeoutMs, final ControllerPlatform platform)
        throws IOException, InterruptedException
    {
        final Mailbox mailbox = mailboxFile.read();
        if (null == mailbox)
        {
            return new RunStop(true, "partner has no readable mailbox (" + mailboxFile.file() + "): it never ran, " +
                "no process to stop");
        }
        return platform.stopRun(mailbox, exitTimeoutMs);
    }

    /**
     * Waits for the partner's mailbox to say it is fenced: that it found an epoch newer than its own, the one this
     * takeover took ({@code newEpoch}).
     *
     * @throws IllegalStateException if it does not say so within the timeout.
     */
    static String awaitFenced(
        final MailboxFile mailboxFile, final long newEpoch, final long timeoutMs, final String why,
        final NanoClock clock)
        throws IOException, InterruptedException
    {
        final long deadlineNs = clock.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (true)
        {
            final Mailbox mailbox = mailboxFile.read();
            if (null != mailbox && MailboxFile.ROLE_FENCED == mailbox.role() && mailbox.epoch() < newEpoch)
            {
                return why + "; it reports itself fenced, writing nothing more";
            }
            if (clock.nanoTime() >= deadlineNs)
            {
                throw new IllegalStateException(why + ", and it did not report itself fenced within " + timeoutMs +
                    " ms: it may still write the pool, so the takeover does not serve (stop it, then " +
                    "`tandem ctl takeover --force`)");
            }
            TimeUnit.MILLISECONDS.sleep(POLL_MS); // off the agent: a takeover step on the recovery engine's thread
        }
    }
}
