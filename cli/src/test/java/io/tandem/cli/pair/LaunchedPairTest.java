package io.tandem.cli.pair;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tandem.staging.testing.ExternalProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static io.tandem.cli.pair.PairControl.await;
import static io.tandem.cli.pair.PairControl.field;
import static io.tandem.cli.pair.PairControl.run;
import static io.tandem.cli.pair.PairControl.statusJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pair as people run it: two JVMs started through the launcher, driven by real clients and by `tandem
 * workload` and `tandem ctl` from this process.
 */
class LaunchedPairTest
{
    @TempDir
    Path dir;

    private static boolean mirroring(final LaunchedPair pair)
    {
        return "primary".equals(field(pair.controlBase, "role")) && "up".equals(field(pair.controlBase, "path.0")) &&
            "up".equals(field(pair.controlBase, "path.1")) && "secondary".equals(field(pair.controlBase + 1, "role")) &&
            "up".equals(field(pair.controlBase + 1, "path.0"));
    }

    private static boolean servesAtNewEpoch(final int controlPort)
    {
        final JsonNode status = statusJson(controlPort);
        return "primary".equals(status.path("role").asText()) && status.path("epoch").asLong() >= 2;
    }

    @Test
    void realClientsWriteAndReadThroughTheLaunchedPair() throws Exception
    {
        try (LaunchedPair pair = new LaunchedPair(dir, 11809, 26610))
        {
            pair.startSecondary();
            pair.startPrimary();
            await("the pair to mirror", 30, () -> mirroring(pair));

            final String size = ExternalProcess.run(dir, 30, "nbdinfo", "--size", pair.primaryUri())
                .assertSuccess().output.trim();
            assertEquals(Long.toString(64L << 20), size);
            final String standby = ExternalProcess.run(dir, 30, "nbdinfo", "nbd://127.0.0.1:" + (pair.nbdBase + 1))
                .assertSuccess().output;
            assertTrue(standby.contains("refuses I/O"), standby);

            ExternalProcess.run(dir, 60, "qemu-io", "-f", "raw", pair.primaryUri(),
                "-c", "write -P 0x3c 1M 3M", "-c", "read -P 0x3c 1M 3M", "-c", "read -P 0 0 1M").assertSuccess();
            final ExternalProcess mismatch = ExternalProcess.run(dir, 60, "qemu-io", "-f", "raw", pair.primaryUri(),
                "-c", "read -P 0x3d 1M 4k");
            assertTrue(mismatch.output.contains("Pattern verification failed"), mismatch.output);

            final ExternalProcess fio = ExternalProcess.run(dir, 120, "fio", "--name=mirrored",
                "--ioengine=nbd", "--uri=" + pair.primaryUri(), "--rw=randwrite", "--bs=4k", "--iodepth=16",
                "--size=16m", "--offset=8m", "--verify=crc32c", "--do_verify=1", "--output-format=terse");
            fio.assertSuccess();
            final String terse = fio.output.lines().filter(line -> line.startsWith("3;")).findFirst()
                .orElseThrow(() -> new AssertionError("no terse line from fio:\n" + fio.output));
            assertEquals("0", terse.split(";")[4], "fio reported an error (verification included): " + terse);

            final String[] status = run("ctl", "--controller", pair.controllers(), "status");
            assertEquals("0", status[0], status[2]);
            assertTrue(status[1].matches("(?s).*role=primary.*writes\\.completed=\\d{4,}.*"), status[1]);
            final String[] json = run("ctl", "--controller", pair.controllers(), "status", "--json");
            assertEquals("0", json[0], json[2]);
            final List<String> objects = json[1].lines().collect(Collectors.toList());
            assertEquals(2, objects.size(), "one JSON object per controller and line:\n" + json[1]);
            final ObjectMapper mapper = new ObjectMapper();
            final JsonNode primary = mapper.readTree(objects.get(0));
            final JsonNode secondary = mapper.readTree(objects.get(1));
            assertEquals("127.0.0.1:" + pair.controlBase, primary.path("at").asText());
            assertEquals("primary", primary.path("role").asText());
            assertEquals("MIRRORED", primary.path("mirror").asText());
            assertTrue(primary.path("writes.completed").asLong() >= 1000, objects.get(0));
            assertEquals("secondary", secondary.path("role").asText());
            assertEquals("IN_SYNC", secondary.path("mode").asText(), "the secondary holds the pool's generation");
            assertEquals("PRIMARY_ALIVE", secondary.path("takeover.reason").asText());
            final String[] cp = run("ctl", "--controller", pair.controllers(), "cp");
            assertEquals("0", cp[0], cp[2]);
        }
    }

    @Test
    void pullingAndRestoringPathsDuringAWorkloadLosesNoWrite() throws Exception
    {
        pullAndRestorePathsDuringAWorkload(new LaunchedPair(dir, 11819, 26650));
    }

    @Test
    void theEarlierIdleModeWithItsOwnDriverThreadsPullsAndRestoresPathsAsWell() throws Exception
    {
        final LaunchedPair pair = new LaunchedPair(dir, 11919, 27010);
        pair.extra.addAll(List.of("--agent-idle", "backoff"));
        pullAndRestorePathsDuringAWorkload(pair);
    }

    @Test
    void atPowerDurabilityThePairMirrorsAndEveryWriteVerifies() throws Exception
    {
        try (LaunchedPair pair = new LaunchedPair(dir, 11929, 27050))
        {
            pair.extra.addAll(List.of("--durability", "power"));
            pair.startSecondary();
            pair.startPrimary();
            await("the pair to mirror", 30, () -> mirroring(pair));
            assertTrue(run("ctl", "--controller", pair.controllers(), "status")[1].contains("durability=POWER"));
            // every write waits for a force on each controller, completed on its NVRAM flusher's own thread
            final String[] result = run("workload", "--target", "127.0.0.1:" + pair.nbdBase, "--ops", "3000",
                "--queue-depth", "16", "--read-ratio", "10", "--span", "16M");
            assertEquals("0", result[0], result[1] + result[2]);
            assertTrue(result[1].contains(", 0 errors") && result[1].contains("result    OK"), result[1]);
        }
    }

    private void pullAndRestorePathsDuringAWorkload(final LaunchedPair launched) throws Exception
    {
        try (LaunchedPair pair = launched)
        {
            pair.startSecondary();
            pair.startPrimary();
            await("the pair to mirror", 30, () -> mirroring(pair));
            final String mode = pair.extra.contains("backoff") ? "backoff" : "select";
            final String status = run("ctl", "--controller", pair.controllers(), "status")[1];
            final long modeLines = status.lines().filter(line -> line.equals("agent.idle=" + mode)).count();
            assertEquals(2, modeLines, "both controllers idle in " + mode + " mode:\n" + status);

            final CompletableFuture<String[]> workload = CompletableFuture.supplyAsync(() -> run("workload",
                "--target", "127.0.0.1:" + pair.nbdBase, "--duration", "8s", "--queue-depth", "16",
                "--span", "48M"));
            for (final int path : new int[] {0, 1, 0})
            {
                Thread.sleep(1_000); // let writes flow on every path before the pull
                final String[] pull = run("ctl", "--controller", pair.controllers(), "path", "pull",
                    Integer.toString(path));
                assertEquals("0", pull[0], pull[2]);
                await("path " + path + " down", 10, () -> run("ctl", "--controller", pair.controllers(), "paths")[1]
                    .contains("path." + path + "=down (pulled)"));
                Thread.sleep(500);
                assertEquals("0", run("ctl", "--controller", pair.controllers(), "path", "restore",
                    Integer.toString(path))[0]);
            }
            final String[] result = workload.get(60, TimeUnit.SECONDS);
            assertEquals("0", result[0], result[1] + result[2]);
            assertTrue(result[1].contains(", 0 errors") && result[1].contains("result    OK"), result[1]);
        }
    }

    @Test
    void writesFarPastAnNvlogHalfForceCheckpointsAndTheStoppedPrimarysPoolHoldsThemAll() throws Exception
    {
        final Path state = dir.resolve("workload.state");
        try (LaunchedPair pair = new LaunchedPair(dir, 11839, 26730))
        {
            pair.startSecondary();
            pair.startPrimary();
            await("the pair to mirror", 30, () -> mirroring(pair));
            // 8 MiB of NVRAM has 4 MiB halves; 40 MiB of writes fill one half after another
            final String[] written = run("workload", "--target", "127.0.0.1:" + pair.nbdBase, "--ops", "10240",
                "--queue-depth", "32", "--read-ratio", "20", "--span", "48M", "--state-file", state.toString());
            assertEquals("0", written[0], written[1] + written[2]);
            final String[] status = run("ctl", "--controller", pair.controllers(), "status");
            final long checkpoints = Long.parseLong(status[1].replaceAll("(?s).*\\ncp\\.count=(\\d+).*", "$1"));
            assertTrue(checkpoints >= 5, "the NVLog's halves forced checkpoints:\n" + status[1]);
            assertTrue(status[1].matches("(?s).*\nnbd\\.coalesce=depth 8 window 500us holds [1-9]\\d*\n.*"),
                "32 requests in flight made the primary coalesce its reads:\n" + status[1]);
            pair.stopPrimary();
        }
        // the pool on its own, served by another NBD server, holds every acknowledged write
        final Path volume = dir.resolve("data").resolve("pool").resolve("volume-0.img");
        final Process nbdkit = new ProcessBuilder("nbdkit", "-f", "-i", "127.0.0.1", "-p", "11849", "file",
            "file=" + volume, "--readonly").redirectErrorStream(true).redirectOutput(dir.resolve("nbdkit.log").toFile())
            .start();
        try
        {
            await("nbdkit", 10, () -> 0 == exitCode("nbdinfo", "--size", "nbd://127.0.0.1:11849"));
            final String[] verified = run("workload", "--target", "127.0.0.1:11849", "--verify-only",
                "--span", "48M", "--state-file", state.toString());
            assertEquals("0", verified[0], verified[1] + verified[2]);
            assertTrue(verified[1].contains(", 0 errors"), verified[1]);
        }
        finally
        {
            nbdkit.destroy();
            nbdkit.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private int exitCode(final String... command)
    {
        try
        {
            return ExternalProcess.run(dir, 10, command).exitCode;
        }
        catch (final Exception ex)
        {
            return -1;
        }
    }

    @Test
    void aPrimaryKilledWithKillNineLosesNoAcknowledgedWrite() throws Exception
    {
        try (LaunchedPair pair = new LaunchedPair(dir, 11829, 26690))
        {
            pair.startSecondary();
            pair.startPrimary();
            await("the pair to mirror", 30, () -> mirroring(pair));
            final Path state = dir.resolve("workload.state");
            final String[] written = run("workload", "--target", "127.0.0.1:" + pair.nbdBase, "--ops", "20000",
                "--queue-depth", "32", "--read-ratio", "0", "--span", "48M", "--no-verify-at-end",
                "--state-file", state.toString());
            assertEquals("0", written[0], written[1] + written[2]);

            pair.primary.kill();
            pair.primary.close();
            pair.primary = null;
            pair.startPrimary();
            // either the restarted primary replayed its NVLog and serves, or the secondary noticed the kill
            // first and took over (and the restarted one rejoined as its secondary): neither may lose a write
            await("a controller serving at a new epoch", 60, () -> servesAtNewEpoch(pair.controlBase) ||
                servesAtNewEpoch(pair.controlBase + 1));

            final String[] verified = run("workload", "--target", "127.0.0.1:" + pair.nbdBase + ",127.0.0.1:" +
                (pair.nbdBase + 1), "--verify-only", "--span", "48M", "--state-file", state.toString());
            assertEquals("0", verified[0], verified[1] + verified[2]);
            assertTrue(verified[1].contains(", 0 errors"), verified[1]);
        }
    }
}
