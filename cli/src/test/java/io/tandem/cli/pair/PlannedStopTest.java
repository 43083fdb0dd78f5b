package io.tandem.cli.pair;

import io.tandem.cli.workload.Workload;
import io.tandem.cli.workload.WorkloadContext;
import io.tandem.cli.workload.WorkloadOutcome;
import io.tandem.cli.workload.WorkloadReport;
import io.tandem.staging.testing.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.tandem.cli.pair.PairControl.await;
import static io.tandem.cli.pair.PairControl.field;
import static io.tandem.cli.pair.PairControl.mirrored;
import static io.tandem.cli.pair.PairControl.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A planned stop (SIGTERM) of the serving controller hands the volume to its in-sync partner as a giveback does,
 * instead of leaving the partner to find it gone: the stopped controller exits after GIVEBACK -> GIVEN_BACK,
 * the partner serves without a takeover, and, its partner gone, goes on acknowledging writes alone (the mirror
 * recorded stale) rather than suspending them for a partner that is not coming back. A client on the service
 * address rides through with every write verified.
 */
class PlannedStopTest
{
    @TempDir
    Path dir;

    @Test
    void sigtermOfThePrimaryGivesTheVolumeBackAndThePartnerServesAlone() throws Exception
    {
        try (LaunchedPair pair = new LaunchedPair(dir, 11989, 27290))
        {
            final ChildJvm secondary = pair.start(1, "secondary");
            final ChildJvm primary = pair.start(0, "primary");
            await(pair, "the pair to mirror", 30, () -> mirrored(pair, 0));

            final AtomicBoolean stop = new AtomicBoolean();
            final StringWriter notices = new StringWriter();
            final CompletableFuture<WorkloadReport> workload = CompletableFuture.supplyAsync(() -> Workload.run(
                new WorkloadContext().targets(List.of(new InetSocketAddress("127.0.0.1", pair.servicePort)))
                    .queueDepth(8).readPercent(30).span(16L << 20).durationNs(TimeUnit.MINUTES.toNanos(2))
                    .failoverTimeoutNs(TimeUnit.SECONDS.toNanos(60)).stopSignal(stop)
                    .progressOut(new PrintWriter(notices, true))));
            await(pair, "writes on the primary", 30, () -> PairControl.statusJson(pair.controlBase)
                .path("writes.completed").asLong() > 100);

            // the JVM's exit status after SIGTERM and its shutdown hooks; 137 would be the SIGKILL after the timeout
            assertEquals(143, primary.terminate(60, TimeUnit.SECONDS), "it stopped by itself");
            await(pair, "controller 1 to serve", 30, () -> "primary".equals(field(pair.controlBase + 1, "role")));
            final long before = PairControl.statusJson(pair.controlBase + 1).path("writes.completed").asLong();
            await(pair, "writes acknowledged by controller 1 alone", 30, () ->
                PairControl.statusJson(pair.controlBase + 1).path("writes.completed").asLong() > before + 100);
            assertEquals("DEGRADED", field(pair.controlBase + 1, "mirror"), "serving alone, the mirror stale");

            stop.set(true);
            final WorkloadReport report = workload.get(2, TimeUnit.MINUTES);
            assertEquals(WorkloadOutcome.OK, report.outcome(), report.message() + "\n" + notices);

            final String events = run("ctl", "events", "--data-dir", dir.resolve("data").toString())[1];
            assertTrue(events.contains("GIVEBACK -> GIVEN_BACK"), events);
            assertTrue(events.contains("gave the volume back at epoch"), events);
            assertFalse(events.contains("took over at epoch"), "no takeover: " + events);
            assertTrue(secondary.isAlive());
        }
    }
}
