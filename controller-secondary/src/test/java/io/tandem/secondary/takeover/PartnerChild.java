package io.tandem.secondary.takeover;

import io.tandem.controller.pool.MailboxFile;

import java.nio.file.Path;

/**
 * A stand-in for a hung primary, run in its own JVM: publishes its process id in its mailbox on the pool, says
 * {@code ready}, and then does nothing until it is killed.
 * <p>
 * Arguments: the pool directory, the controller id.
 */
public final class PartnerChild
{
    private PartnerChild()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        try (MailboxFile mailbox = new MailboxFile(Path.of(args[0]), Integer.parseInt(args[1])))
        {
            mailbox.beat(Integer.parseInt(args[1]), MailboxFile.ROLE_PRIMARY, 1, System.currentTimeMillis());
            System.out.println("ready");
            System.out.flush();
            Thread.sleep(60_000);
        }
    }
}
