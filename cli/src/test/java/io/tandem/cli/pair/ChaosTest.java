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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.tandem.cli.pair.PairControl.await;
import static io.tandem.cli.pair.PairControl.command;
import static io.tandem.cli.pair.PairControl.run;
import static io.tandem.cli.pair.PairControl.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Chaos under a verifying workload: random path pulls and restores, kill -9 of whichever controller serves,
 * restarts (the killed one rejoins as secondary and is resynced), sometimes a giveback, several cycles. No
 * acknowledged write may be lost or read back wrong, and no two controllers may ever have served the pool in
 * the same epoch (each serving role takes the pool at an epoch of its own: checked in both journals).
 */
class ChaosTest
{
    private static final int CYCLES = 3;

    @TempDir
    Path dir;

    @Test
    void killsPullsRestartsAndGivebacksLoseNoAcknowledgedWrite() throws Exception
    {
        final long seed = Long.getLong("tandem.test.seed", System.nanoTime());
        System.out.println("ChaosTest seed=" + seed + " (replay with -Dtandem.test.seed=" + seed + ")");
        final Random random = new Random(seed);
        try (LaunchedPair pair = new LaunchedPair(dir, 11889, 26890))
        {
            final ChildJvm[] controllers = new ChildJvm[2];
            controllers[1] = pair.start(1, "secondary");
            controllers[0] = pair.start(0, "primary");
            await("the pair to mirror", 30, () -> mirrored(pair, 0));

            final AtomicBoolean stop = new AtomicBoolean();
            final StringWriter notices = new StringWriter();
            final CompletableFuture<WorkloadReport> workload = CompletableFuture.supplyAsync(() -> Workload.run(
                new WorkloadContext()
                    .targets(List.of(new InetSocketAddress("127.0.0.1", pair.nbdBase),
                        new InetSocketAddress("127.0.0.1", pair.nbdBase + 1)))
                    .queueDepth(16).readPercent(30).span(48L << 20).durationNs(TimeUnit.MINUTES.toNanos(10))
                    .failoverTimeoutNs(TimeUnit.SECONDS.toNanos(60)).failoverAttempts(100_000)
                    .seed(seed).stopSignal(stop).progressOut(new PrintWriter(notices, true))));

            int serving = 0;
            for (int cycle = 0; cycle < CYCLES; cycle++)
            {
                final int current = serving;
                for (int pulls = 1 + random.nextInt(2); pulls > 0; pulls--)
                {
                    final int path = random.nextInt(2);
                    command(pair.controlBase + serving, "path pull " + path);
                    Thread.sleep(300 + random.nextInt(700)); // a cable out for a while, at a random moment
                    command(pair.controlBase + serving, "path restore " + path);
                }
                await("the mirror before the kill", 30, () -> mirrored(pair, current));
                Thread.sleep(500 + random.nextInt(1000)); // let writes flow before the kill

                System.out.println("chaos cycle " + cycle + ": kill -9 of controller " + serving);
                controllers[serving].kill();
                controllers[serving].close();
                final int survivor = 1 - serving;
                await("controller " + survivor + " to take over", 60,
                    () -> status(pair.controlBase + survivor).contains("\nrole=primary\n"));
                controllers[serving] = pair.start(serving, random.nextBoolean() ? "primary" : "secondary");
                serving = survivor;
                final int now = serving;
                await("the killed controller to rejoin and be resynced", 60, () -> mirrored(pair, now));

                if (random.nextBoolean())
                {
                    System.out.println("chaos cycle " + cycle + ": giveback from controller " + serving);
                    assertTrue(command(pair.controlBase + serving, "giveback").startsWith("OK"));
                    final int partner = 1 - serving;
                    await("the giveback", 60, () -> mirrored(pair, partner));
                    serving = partner;
                }
            }

            stop.set(true);
            final WorkloadReport report = workload.get(3, TimeUnit.MINUTES);
            final StringWriter printed = new StringWriter();
            report.print(new PrintWriter(printed, true));
            System.out.println(printed);
            assertEquals(WorkloadOutcome.OK, report.outcome(), printed + "\n" + notices);
            assertTrue(report.failovers().size() >= CYCLES, "the workload followed the volume: " + printed);

            final String[] events = run("ctl", "events", "--data-dir", dir.resolve("data").toString());
            final Matcher took = Pattern.compile(
                "c(\\d) e\\d+ NOTE subject=primary detail=took the pool at epoch (\\d+)").matcher(events[1]);
            final Set<Long> epochs = new HashSet<>();
            final List<Long> order = new ArrayList<>();
            while (took.find())
            {
                final long epoch = Long.parseLong(took.group(2));
                assertTrue(epochs.add(epoch), "two controllers served the pool at epoch " + epoch + ":\n" + events[1]);
                order.add(epoch);
            }
            for (int i = 1; i < order.size(); i++)
            {
                assertTrue(order.get(i) > order.get(i - 1), "serving epochs went backwards: " + order);
            }
            assertTrue(order.size() >= 1 + CYCLES, "every takeover took the pool: " + order);
        }
    }

    private static boolean mirrored(final LaunchedPair pair, final int primary)
    {
        final String status = status(pair.controlBase + primary);
        return status.contains("\nrole=primary\n") && status.contains("mirror=MIRRORED") &&
            status.contains("path.0=up") && status.contains("path.1=up") &&
            status(pair.controlBase + 1 - primary).contains("\nrole=secondary\n");
    }
}
