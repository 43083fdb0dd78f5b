package io.tandem.controller.platform;

import java.nio.file.Path;

/**
 * A child JVM that takes the run lock of a directory for a run id, says so, and waits to be killed; with
 * {@code release} it then lets the lock go and lives on, as a process whose lock was closed by mistake would.
 */
public final class RunLockHolder
{
    private RunLockHolder()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final RunLock lock;
        try
        {
            final io.tandem.controller.pool.RunIdentity self = io.tandem.controller.pool.RunIdentity.current();
            lock = RunLock.hold(Path.of(args[0]), new io.tandem.controller.pool.RunIdentity(self.pid(),
                self.startMs(), Long.parseLong(args[1]), self.pidNamespace()));
        }
        catch (final java.io.IOException ex)
        {
            System.out.println("refused: " + ex.getMessage());
            System.out.flush();
            return;
        }
        System.out.println("holding");
        System.out.flush();
        if (args.length > 2 && "release".equals(args[2]))
        {
            lock.close();
            System.out.println("released");
            System.out.flush();
        }
        Thread.sleep(Long.MAX_VALUE);
    }
}
