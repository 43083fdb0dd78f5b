package io.tandem.cli.pair;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.tandem.cli.pair.PairControl.await;
import static io.tandem.cli.pair.PairControl.field;
import static io.tandem.cli.pair.PairControl.mirrored;
import static io.tandem.cli.pair.PairControl.verifyRemembered;
import static io.tandem.cli.pair.PairControl.writeRemembered;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The NVRAM's contents kept in named memory ({@code --nvram-memory}), with two launched JVMs: writes acknowledged
 * since the last consistency point live only there (no {@code pwrite} put them in {@code nvram.dev}), so a
 * controller killed with kill -9 must find them in that memory when it restarts; and a controller whose memory
 * is gone (as after the machine restarted) must refuse to start rather than serve its stale device file.
 */
class NvramMemoryTest
{
    @TempDir
    Path dir;

    @Test
    void writesHeldOnlyInTheNvramsMemorySurviveKillNineAndAControllerWhoseMemoryIsGoneRefusesToStart()
        throws Exception
    {
        final Path state = dir.resolve("workload.state");
        final Path marker = dir.resolve("data").resolve("controller-0").resolve("nvram.dev.resident");
        try (LaunchedPair pair = new LaunchedPair(dir, 12019, 27410))
        {
            pair.extra.addAll(List.of("--cp-interval", "10m"));
            pair.startSecondary();
            pair.startPrimary();
            await("the pair to mirror", 30, () -> mirrored(pair, 0));
            assertTrue(Files.exists(marker), "the primary's NVRAM is in memory");
            assertEquals("true", field(pair.controlBase, "nvram.resident"), "and its status says so");
            assertEquals("true", field(pair.controlBase + 1, "nvram.resident"), "and the secondary's");
            writeRemembered(pair.nbdBase, 2000, state);

            pair.primary.kill();
            pair.secondary.kill();
            pair.primary.close();
            pair.secondary.close();
            pair.startPrimary(); // it owns the pool: it replays its NVLog, from memory, and serves
            assertEquals("primary", field(pair.controlBase, "role"));
            verifyRemembered(pair.nbdBase, state);

            pair.primary.kill();
            pair.primary.close();
            final Path segment = Path.of(Files.readString(marker).split("\n")[0]);
            Files.delete(segment); // the machine restarted: what the NVRAM held is gone
            final IllegalStateException refused = assertThrows(IllegalStateException.class, pair::startPrimary);
            assertTrue(refused.getMessage().contains("may be lost") &&
                refused.getMessage().contains("remove " + marker), refused.getMessage());
            assertTrue(Files.exists(marker), "the refusal changes nothing");
        }
    }
}
