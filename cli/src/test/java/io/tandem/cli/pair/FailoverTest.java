package io.tandem.cli.pair;

import io.tandem.staging.testing.ExternalProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static io.tandem.cli.pair.PairControl.await;
import static io.tandem.cli.pair.PairControl.command;
import static io.tandem.cli.pair.PairControl.field;
import static io.tandem.cli.pair.PairControl.holds;
import static io.tandem.cli.pair.PairControl.mirrored;
import static io.tandem.cli.pair.PairControl.run;
import static io.tandem.cli.pair.PairControl.statusJson;
import static io.tandem.cli.pair.PairControl.verifyRemembered;
import static io.tandem.cli.pair.PairControl.writeRemembered;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Failover decisions of a launched pair: a dead primary is taken over from, a broken interconnect is not, a
 * stale mirror blocks an automatic takeover, and a takeover from a nearly full NVLog loses nothing.
 */
class FailoverTest
{
    @TempDir
    Path dir;


    @Test
    void everyPathDownWithALivePrimaryIsAnInterconnectFailureNotATakeover() throws Exception
    {
        try (LaunchedPair pair = new LaunchedPair(dir, 11859, 26770))
        {
            pair.startSecondary();
            pair.startPrimary();
            await("the pair to mirror", 30, () -> mirrored(pair, 0));
            assertTrue(command(pair.controlBase, "path pull 0").startsWith("OK"));
            assertTrue(command(pair.controlBase, "path pull 1").startsWith("OK"));
            await("the secondary to see every path down", 10, () ->
                "INTERCONNECT_FAILED".equals(field(pair.controlBase + 1, "takeover.reason")));
            // well past the heartbeat staleness (400 ms): the live mailbox must keep the secondary from taking over
            holds("the secondary stays secondary", 3, () ->
                "secondary".equals(field(pair.controlBase + 1, "role")) &&
                "INTERCONNECT_FAILED".equals(field(pair.controlBase + 1, "takeover.reason")), () ->
                "(secondary: " + statusJson(pair.controlBase + 1) + "; primary: " + statusJson(pair.controlBase) + ")");
            assertEquals("primary", field(pair.controlBase, "role"));
            command(pair.controlBase, "path restore 0");
            command(pair.controlBase, "path restore 1");
            await("the paths back", 10, () -> mirrored(pair, 0));
            ExternalProcess.run(dir, 60, "qemu-io", "-f", "raw", pair.primaryUri(), "-c", "write -P 0x42 0 64k")
                .assertSuccess();
        }
    }

    @Test
    void aSecondaryThatCrashedPartWayThroughATakeoverFinishesItWhenItRestarts() throws Exception
    {
        final Path state = dir.resolve("workload.state");
        try (LaunchedPair pair = new LaunchedPair(dir, 11909, 26970))
        {
            pair.extra.addAll(java.util.List.of("--cp-interval", "10m"));
            pair.startSecondary();
            pair.startPrimary();
            await("the pair to mirror", 30, () -> mirrored(pair, 0));
            writeRemembered(pair.nbdBase, 3000, state);
            // both die before the secondary noticed: the acknowledged writes since the last CP live in the mirror
            pair.primary.kill();
            pair.secondary.kill();
            // the secondary had begun its takeover: the fence took the pool for it, then it crashed
            try (io.tandem.controller.pool.Pool pool = io.tandem.controller.pool.Pool.open(
                new io.tandem.controller.pool.PoolContext().dir(dir.resolve("data").resolve("pool"))
                    .volumeSize(64L << 20).createIfMissing(false)))
            {
                assertEquals(2, new io.tandem.controller.pool.Ownership(pool.superblocks())
                    .take(1, pool.superblocks().read()));
            }
            pair.start(1, "secondary");
            await("the restarted secondary to finish the takeover and serve", 60,
                () -> "primary".equals(field(pair.controlBase + 1, "role")));
            verifyRemembered(pair.nbdBase + 1, state);
            final String[] events = run("ctl", "events", "--data-dir", dir.resolve("data").toString());
            assertTrue(events[1].contains("finishing the takeover") || events[1].contains("took over at epoch"),
                events[1]);
        }
    }

    @Test
    void aSecondaryKilledAndRestartedUnderLoadIsResyncedAndNoWriteIsLost() throws Exception
    {
        try (LaunchedPair pair = new LaunchedPair(dir, 11899, 26930))
        {
            pair.startSecondary();
            pair.startPrimary();
            await("the pair to mirror", 30, () -> mirrored(pair, 0));
            final java.util.concurrent.CompletableFuture<String[]> workload =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> run("workload", "--target",
                    "127.0.0.1:" + pair.nbdBase, "--duration", "8s", "--queue-depth", "16", "--span", "48M"));
            Thread.sleep(2_000); // writes in flight on both controllers before the kill
            pair.secondary.kill();
            pair.secondary.close();
            pair.startSecondary();
            await("the primary to resync the restarted secondary", 30, () -> mirrored(pair, 0) &&
                !"1".equals(field(pair.controlBase, "epoch")));
            final String[] result = workload.get(60, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals("0", result[0], result[1] + result[2]);
            assertTrue(result[1].contains(", 0 errors"), result[1]);
        }
    }

    @Test
    void aStaleMirrorBlocksAnAutomaticTakeoverAndAForcedOneSaysWhatItMayLose() throws Exception
    {
        try (LaunchedPair pair = new LaunchedPair(dir, 11869, 26810))
        {
            pair.extra.addAll(java.util.List.of("--mirror-loss", "continue"));
            pair.startSecondary();
            pair.startPrimary();
            await("the pair to mirror", 30, () -> mirrored(pair, 0));
            command(pair.controlBase, "path pull 0");
            command(pair.controlBase, "path pull 1");
            await("the primary to go on without its mirror", 15, () ->
                "DEGRADED".equals(field(pair.controlBase, "mirror")));
            ExternalProcess.run(dir, 60, "qemu-io", "-f", "raw", pair.primaryUri(), "-c", "write -P 0x77 0 1M")
                .assertSuccess();

            pair.primary.kill();
            await("the secondary to notice", 15, () ->
                "MIRROR_STALE".equals(field(pair.controlBase + 1, "takeover.reason")));
            holds("no automatic takeover from a stale mirror", 3, () ->
                "secondary".equals(field(pair.controlBase + 1, "role")));

            // ctl waits until the takeover serves, drawing its steps (a pipe: one line per step)
            final String[] forced = run("ctl", "--controller", pair.controllers(), "takeover", "--force");
            assertEquals("0", forced[0], forced[1] + forced[2]);
            assertTrue(forced[1].contains("may lose acknowledged writes"), forced[1]);
            assertTrue(forced[1].contains("took over: serving at epoch"), forced[1]);
            assertEquals("primary", PairControl.statusJson(pair.controlBase + 1).path("role").asText());
        }
    }

    @Test
    void aTakeoverFromANearlyFullNvlogLosesNoAcknowledgedWriteAndReportsItsTiming() throws Exception
    {
        try (LaunchedPair pair = new LaunchedPair(dir, 11879, 26850))
        {
            // 8 MiB of NVRAM, consistency points only when a half fills: 3980 writes of 4 KiB leave the active
            // half of about 1010 records nearly full, so the mirror holds nearly 4 MiB to replay
            pair.extra.addAll(java.util.List.of("--cp-interval", "10m"));
            pair.startSecondary();
            pair.startPrimary();
            await("the pair to mirror", 30, () -> mirrored(pair, 0));
            final Path state = dir.resolve("workload.state");
            writeRemembered(pair.nbdBase, 3980, state);
            final String fill = "nvlog.fill=" + field(pair.controlBase, "nvlog.fill");
            final long killNs = System.nanoTime();
            pair.primary.kill();
            await("the takeover", 30, () -> "primary".equals(field(pair.controlBase + 1, "role")));
            final long servingMs = (System.nanoTime() - killNs) / 1_000_000;
            final String[] journal = run("ctl", "events", "--data-dir", dir.resolve("data").toString());
            final String summary = journal[1].lines().filter(l -> l.contains("took over at epoch"))
                .findFirst().orElse("(no summary)");
            System.out.println("TAKEOVER with the primary's " + fill + ": kill -9 to serving " + servingMs +
                " ms; " + summary);
            assertTrue(summary.contains("records"), journal[1]);

            verifyRemembered(pair.nbdBase + 1, state);
        }
    }
}
