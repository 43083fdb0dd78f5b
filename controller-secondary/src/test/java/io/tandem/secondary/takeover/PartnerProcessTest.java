package io.tandem.secondary.takeover;

import io.tandem.controller.platform.OsPlatform;
import io.tandem.controller.platform.RunStop;
import io.tandem.controller.pool.Mailbox;
import io.tandem.controller.pool.MailboxFile;
import io.tandem.controller.pool.RunIdentity;
import io.tandem.staging.testing.ChildJvm;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fence's last step: the partner's run is killed only when it is surely the partner, and believed gone only
 * when its identity proves it.
 */
class PartnerProcessTest
{
    private static final int PARTNER_ID = 0;

    @TempDir
    Path dir;

    @Test
    void aPausedPartnerIsKilled() throws Exception
    {
        try (ChildJvm partner = ChildJvm.start(PartnerChild.class, dir.resolve("partner.err"), dir.toString(),
            String.valueOf(PARTNER_ID)))
        {
            assertEquals("ready", partner.readLine());
            assertEquals(0, new ProcessBuilder("kill", "-STOP", Long.toString(partner.pid())).start().waitFor());

            final String detail = stop(10_000).detail();

            assertTrue(detail.contains("killed"), detail);
            partner.waitFor(10, TimeUnit.SECONDS);
            assertFalse(partner.isAlive(), "a paused partner is killed all the same");
        }
    }

    @Test
    void aPidThatNowNamesAnotherProcessIsBelievedGoneAndThatProcessIsLeftAlone() throws Exception
    {
        final Process other = new ProcessBuilder("sleep", "30").start();
        try
        {
            final RunIdentity self = RunIdentity.current();
            // the partner's run had this pid once, but started long before the process that has it now
            forge(new RunIdentity(other.pid(), 1_000, 42, self.pidNamespace()), MailboxFile.ROLE_PRIMARY);

            final String detail = stop(1_000).detail();

            assertTrue(detail.contains("is gone: the pid now names a process started at"), detail);
            assertTrue(other.isAlive(), "a process that is not the partner is never killed");
        }
        finally
        {
            other.destroyForcibly().waitFor();
        }
    }

    @Test
    void aPartnerInAnotherPidNamespaceIsNotBelievedGoneUntilItSaysItIsFenced() throws Exception
    {
        final RunIdentity self = RunIdentity.current();
        final RunIdentity elsewhere = new RunIdentity(999_999, 1_000, 42, self.pidNamespace() + 1);
        forge(elsewhere, MailboxFile.ROLE_PRIMARY);
        final RunStop stop = stop(100);
        assertFalse(stop.visible());
        final IllegalStateException refused = assertThrows(IllegalStateException.class,
            () -> PartnerProcess.awaitFenced(new MailboxFile(dir, PARTNER_ID), 2, 100, stop.detail(),
                SystemNanoClock.INSTANCE));
        assertTrue(refused.getMessage().contains("cannot be seen from here"), refused.getMessage());
        assertTrue(refused.getMessage().contains("the takeover does not serve"), refused.getMessage());

        forge(elsewhere, MailboxFile.ROLE_FENCED);
        final String detail = PartnerProcess.awaitFenced(new MailboxFile(dir, PARTNER_ID), 2, 100, stop.detail(),
                SystemNanoClock.INSTANCE);
        assertTrue(detail.contains("it reports itself fenced"), detail);
    }

    @Test
    void aPartnerThatNeverRanHasNothingToStop() throws Exception
    {
        final String detail = stop(100).detail();
        assertTrue(detail.contains("no readable mailbox"), detail);
        assertFalse(Files.exists(dir.resolve("mailbox-" + PARTNER_ID)));
    }

    private void forge(final RunIdentity run, final int role) throws Exception
    {
        final UnsafeBuffer bytes = new UnsafeBuffer(ByteBuffer.allocate(Mailbox.LENGTH));
        new Mailbox().wrap(bytes).fill(PARTNER_ID, role, run, 1, 0, System.currentTimeMillis(), 1);
        Files.write(dir.resolve("mailbox-" + PARTNER_ID), bytes.byteArray());
    }

    /**
     * Stops the partner of the mailbox in {@code dir} through the OS, as a takeover's fence does.
     */
    private RunStop stop(final long exitTimeoutMs) throws Exception
    {
        return PartnerProcess.stop(new MailboxFile(dir, PARTNER_ID), exitTimeoutMs, OsPlatform.INSTANCE);
    }
}
