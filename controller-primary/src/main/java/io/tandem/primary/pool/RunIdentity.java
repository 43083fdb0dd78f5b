package io.tandem.primary.pool;

import java.security.SecureRandom;

/**
 * One run of one controller process, as its mailbox publishes it: the process id, when the OS says the process
 * started, and a random id drawn when it started. A process id alone can be reused, or mean another process in
 * another pid namespace; the three together name this run and no other.
 *
 * @param pid     the process id in this process's pid namespace.
 * @param startMs the process's start, epoch ms as the OS reports it, or -1 if it does not say.
 * @param runId   random, never 0.
 */
public record RunIdentity(long pid, long startMs, long runId)
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
            self.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(-1L), runId);
    }
}
