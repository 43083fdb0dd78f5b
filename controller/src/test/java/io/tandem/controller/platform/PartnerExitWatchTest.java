package io.tandem.controller.platform;

import io.tandem.controller.pool.RunIdentity;
import io.tandem.staging.testing.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The host's report of a partner's exit, with real processes: a run that holds its lock is never reported,
 * stopped (SIGSTOP) or not; killed with kill -9 it is reported at once; its next run takes the lock again and is
 * watched in turn; a second process for the same directory is refused while one holds it; and a live process
 * whose lock was let go of (once, the launcher's lock object was collected and its channel closed, and the
 * partner took over a live primary) is not reported: the process table must agree.
 */
@Timeout(60)
class PartnerExitWatchTest
{
    @TempDir
    Path dir;

    @Test
    void aKilledRunIsReportedAtOnceAStoppedOneNeverAndTheNextRunIsWatchedInTurn() throws Exception
    {
        try (PartnerExitWatch watch = OsPlatform.INSTANCE.watchPartnerExit(dir, 1);
            ChildJvm first = holder(11))
        {
            final java.util.concurrent.atomic.AtomicInteger told = new java.util.concurrent.atomic.AtomicInteger();
            final java.util.concurrent.atomic.AtomicReference<RunIdentity> watched =
                new java.util.concurrent.atomic.AtomicReference<>();
            final java.util.concurrent.atomic.AtomicInteger toldTooSoon = new java.util.concurrent.atomic.AtomicInteger();
            watch.onExit(() -> // the role looks at once when told, not at its next heartbeat, and must find it gone
            {
                told.incrementAndGet();
                if (!watch.exited(watched.get()))
                {
                    toldTooSoon.incrementAndGet();
                }
            });
            final RunIdentity firstRun = run(first, 11);
            watched.set(firstRun);
            try (ChildJvm second = ChildJvm.start(RunLockHolder.class, dir.resolve("second.err"), dir.toString(),
                "12"))
            {
                final String said = second.readLine();
                assertTrue(said.startsWith("refused:") && said.contains("runs this controller already"), said);
            }

            signal("STOP", first);
            Thread.sleep(300); // nothing may happen: there is no event to wait for
            assertFalse(watch.exited(firstRun), "a stopped process keeps its lock: not reported");
            assertEquals(0, told.get(), "nobody told of a stopped process");
            signal("CONT", first);

            first.kill();
            while (!watch.exited(firstRun)) // how soon is bench/failover's to measure
            {
                Thread.sleep(1); // another process's exit: there is no clock to step
            }
            while (0 == told.get()) // told right after it publishes the exit, on the watch's thread
            {
                Thread.sleep(1);
            }
            assertEquals(1, told.get(), "the listener was told of the exit, once");
            assertEquals(0, toldTooSoon.get(), "told only once the process table agrees (a JVM's files are let go " +
                "of before its last thread ends)");

            try (ChildJvm next = holder(13))
            {
                final RunIdentity nextRun = run(next, 13);
                watched.set(nextRun);
                Thread.sleep(300); // as above: the next run holds the lock, so nothing may be reported
                assertFalse(watch.exited(nextRun), "the next run is alive");
                next.kill();
                while (2 != told.get())
                {
                    Thread.sleep(1);
                }
                assertTrue(watch.exited(nextRun));
                assertEquals(0, toldTooSoon.get(), "the next run's exit too");
            }
        }
    }

    @Test
    void aLiveProcessWhoseLockWasLetGoIsNotReported() throws Exception
    {
        try (PartnerExitWatch watch = OsPlatform.INSTANCE.watchPartnerExit(dir, 1);
            ChildJvm careless = ChildJvm.start(RunLockHolder.class, dir.resolve("careless.err"), dir.toString(), "21",
                "release"))
        {
            assertEquals("holding", careless.readLine());
            assertEquals("released", careless.readLine());
            final RunIdentity run = run(careless, 21);
            Thread.sleep(300); // the watch finds the lock free at once; nothing else may happen
            assertFalse(watch.exited(run), "alive: the process table disagrees with the lock");
            careless.kill();
            while (!watch.exited(run))
            {
                Thread.sleep(1);
            }
        }
    }

    private ChildJvm holder(final long runId) throws Exception
    {
        final ChildJvm child = ChildJvm.start(RunLockHolder.class, dir.resolve("holder-" + runId + ".err"),
            dir.toString(), Long.toString(runId));
        assertEquals("holding", child.readLine());
        return child;
    }

    private static RunIdentity run(final ChildJvm child, final long runId)
    {
        final long startMs = ProcessHandle.of(child.pid()).flatMap(p -> p.info().startInstant())
            .map(java.time.Instant::toEpochMilli).orElse(-1L);
        return new RunIdentity(child.pid(), startMs, runId, RunIdentity.current().pidNamespace());
    }

    private static void signal(final String signal, final ChildJvm child) throws Exception
    {
        assertEquals(0, new ProcessBuilder("kill", "-" + signal, Long.toString(child.pid())).start().waitFor());
    }
}
