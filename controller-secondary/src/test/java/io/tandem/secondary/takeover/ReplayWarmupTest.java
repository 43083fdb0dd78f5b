package io.tandem.secondary.takeover;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReplayWarmupTest
{
    @TempDir
    Path dir;

    /**
     * Every round scans and replays the whole of its own log (a round that replayed less would stop it), and the
     * files of a warm-up that died before it could remove them are removed first, its own after.
     */
    @Test
    void runsEveryRoundOverItsOwnFilesAndLeavesNone() throws Exception
    {
        final Path warmupDir = dir.resolve("replay-warmup");
        Files.createDirectories(warmupDir.resolve("left"));
        Files.write(warmupDir.resolve("left").resolve("nvram"), new byte[100]);

        final ReplayWarmup warmup = new ReplayWarmup(warmupDir);
        warmup.run();

        assertNull(warmup.failure());
        assertEquals(ReplayWarmup.ROUNDS, warmup.rounds());
        assertTrue(warmup.tookNs() > 0);
        assertFalse(Files.exists(warmupDir), "the warm-up left its files");
    }

    @Test
    void aWarmupThatCannotMakeItsFilesSaysWhyAndThrowsNothing() throws Exception
    {
        final Path notADirectory = dir.resolve("file");
        Files.write(notADirectory, new byte[1]);

        final ReplayWarmup warmup = new ReplayWarmup(notADirectory.resolve("replay-warmup"));
        warmup.run();

        assertTrue(null != warmup.failure(), "no failure kept");
        assertEquals(0, warmup.rounds());
    }
}
