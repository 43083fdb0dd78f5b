package io.tandem.controller.pool;

import java.security.SecureRandom;

/**
 * One run of one controller process, as its mailbox publishes it: the process id, when the OS says the process
 * started, and a random id drawn when it started. A process id alone can be reused, or mean another process in
 * another pid namespace; the three together name this run and no other.
 *
 * @param pid     the process id in this process's pid namespace.
 * @param startMs the process's start, epoch ms as the OS reports it, or -1 if it does not say.
 * @param runId   random, never 0.
 * @param pidNamespace the inode of the process's pid namespace ({@code /proc/self/ns/pid}), or -1 if unknown:
 *                     a pid means the same process only to a reader in the same namespace.
 */
public record RunIdentity(long pid, long startMs, long runId, long pidNamespace)
{
    private static final RunIdentity CURRENT = draw();

    /**
     * @return this process's run.
     */
    public static RunIdentity current()
    {
        return CURRENT;
    }

    private static RunIdentity draw()
    {
        final ProcessHandle self = ProcessHandle.current();
        long runId;
        do
        {
            runId = new SecureRandom().nextLong();
        }
        while (0 == runId);
        return new RunIdentity(self.pid(),
            self.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(-1L), runId, currentPidNamespace());
    }

    /**
     * @return the inode of this process's pid namespace, from the {@code pid:[N]} link, or -1 if unreadable.
     */
    public static long currentPidNamespace()
    {
        try
        {
            final String link = java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/ns/pid"))
                .toString();
            final int open = link.indexOf('[');
            final int close = link.indexOf(']');
            return open < 0 || close < open ? -1 : Long.parseLong(link.substring(open + 1, close));
        }
        catch (final java.io.IOException | RuntimeException ex)
        {
            return -1;
        }
    }
}
