package io.tandem.cli.pair;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.tandem.cli.pair.PairControl.await;
import static io.tandem.cli.pair.PairControl.command;
import static io.tandem.cli.pair.PairControl.mirrored;
import static io.tandem.cli.pair.PairControl.run;
import static io.tandem.cli.pair.PairControl.statusJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pair on an array pool, with real member files and controller JVMs: a member failed under a verifying
 * workload is replaced by the spare and rebuilt with no client error; a member pulled and put back is resynced
 * only where it missed writes; the owner killed mid-rebuild leaves the rebuild to the partner, which resumes it.
 */
class RaidPoolTest
{
    @TempDir
    Path dir;

    @Test
    void aMemberFailedUnderAVerifyingWorkloadIsRebuiltOntoTheSpareAndAPulledOneResyncedWithNoClientError()
        throws Exception
    {
        try (LaunchedPair pair = new LaunchedPair(dir, 11999, 27330))
        {
            pair.extra.addAll(java.util.List.of("--pool", "raid5:3+1spare", "--pool-chunk", "16K"));
            pair.startSecondary();
            pair.startPrimary();
            await("the pair to mirror", 30, () -> mirrored(pair, 0));
            final CompletableFuture<String[]> workload = CompletableFuture.supplyAsync(() -> run("workload",
                "--target", "127.0.0.1:" + pair.nbdBase, "--duration", "10s", "--queue-depth", "8", "--span", "48M"));
            Thread.sleep(1_500);
            assertTrue(command(pair.controlBase, "disk fail 1").startsWith("OK"));
            await(pair, "the spare to be rebuilt", 30, () -> "healthy".equals(pool(pair, "state")) &&
                "0".equals(pool(pair, "lost")));
            assertTrue(pool(pair, "disk.1").contains("spare-0.img"), pool(pair, "disk.1"));

            assertTrue(command(pair.controlBase, "disk pull 2").startsWith("OK"));
            assertEquals("1", pool(pair, "lost"));
            Thread.sleep(1_000); // written while it is away
            final String added = command(pair.controlBase, "disk add " +
                dir.resolve("data").resolve("pool").resolve("disk-2.img"));
            assertTrue(added.contains("regions written while it was away"), added);
            await(pair, "the returned member to be resynced", 30, () -> "healthy".equals(pool(pair, "state")));

            final String[] result = workload.get(60, TimeUnit.SECONDS);
            assertEquals("0", result[0], result[1] + result[2]);
            assertTrue(result[1].contains(", 0 errors"), result[1]);
        }
    }

    @Test
    void theOwnerKilledMidRebuildLeavesTheRebuildToThePartnerWhichResumesIt() throws Exception
    {
        try (LaunchedPair pair = new LaunchedPair(dir, 12009, 27370))
        {
            pair.extra.addAll(java.util.List.of("--pool", "raid5:3+1spare", "--pool-chunk", "16K"));
            // a rebuild slow enough to be caught half way: 32 MiB a member at 4 MiB/s
            pair.jvmArgs.addAll(java.util.List.of("-Dtandem.pool.rebuildMinRate=4194304",
                "-Dtandem.pool.rebuildMaxRate=4194304"));
            pair.startSecondary();
            pair.startPrimary();
            await("the pair to mirror", 30, () -> mirrored(pair, 0));
            final CompletableFuture<String[]> workload = CompletableFuture.supplyAsync(() -> run("workload",
                "--target", "127.0.0.1:" + pair.servicePort, "--duration", "12s", "--queue-depth", "8",
                "--span", "48M"));
            Thread.sleep(1_000);
            assertTrue(command(pair.controlBase, "disk fail 0").startsWith("OK"));
            await(pair, "a quarter of the rebuild", 30, () -> percent(pair, 0) >= 25);
            pair.primary.kill();
            await(pair, "the partner to take over and go on rebuilding", 30,
                () -> "rebuilding".equals(poolOf(pair, 1, "state")) || "healthy".equals(poolOf(pair, 1, "state")));
            final double resumedAt = percentOf(pair, 1);
            assertTrue(resumedAt >= 12 || "healthy".equals(poolOf(pair, 1, "state")),
                "resumed from the saved position, not from 0: " + resumedAt);
            await(pair, "the rebuild to finish on the partner", 60, () -> "healthy".equals(poolOf(pair, 1, "state")));
            final String[] result = workload.get(60, TimeUnit.SECONDS);
            assertEquals("0", result[0], result[1] + result[2]);
            assertTrue(result[1].contains(", 0 errors"), result[1]);
        }
    }

    private static String pool(final LaunchedPair pair, final String key)
    {
        return poolOf(pair, 0, key);
    }

    private static String poolOf(final LaunchedPair pair, final int controller, final String key)
    {
        final var status = statusJson(pair.controlBase + controller);
        return null == status || null == status.get("pool." + key) ? "" : status.get("pool." + key).asText();
    }

    private static double percent(final LaunchedPair pair, final int controller)
    {
        return percentOf(pair, controller);
    }

    private static double percentOf(final LaunchedPair pair, final int controller)
    {
        final String value = poolOf(pair, controller, "rebuild_percent");
        return value.isEmpty() ? -1 : Double.parseDouble(value);
    }
}
