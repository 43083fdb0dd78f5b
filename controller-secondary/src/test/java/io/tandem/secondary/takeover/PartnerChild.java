package io.tandem.secondary.takeover;

import io.tandem.controller.pool.MailboxFile;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A stand-in for a hung primary, run in its own JVM: publishes its process id in its mailbox on the pool, says
 * {@code ready}, and then does nothing until it is killed.
 * <p>
 * Arguments: the pool directory, the controller id, and {@code hold-pool-lock} to hang holding the pool's
 * superblock lock, as a primary stopped half-way through a superblock change would.
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
            if (args.length > 2 && "hold-pool-lock".equals(args[2]))
            {
                // hung half-way through a superblock change: it holds the pool's lock until it dies
                try (FileChannel lock = FileChannel.open(Path.of(args[0]).resolve("superblock.lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock ignored = lock.lock())
                {
                    System.out.println("ready");
                    System.out.flush();
                    Thread.sleep(60_000);
                }
            }
            System.out.println("ready");
            System.out.flush();
            Thread.sleep(60_000);
        }
    }
}
