package io.tandem.simulator;

import io.tandem.staging.testing.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A simulator that has never failed has not been shown to work. With the mirror-generation fix reverted (a
 * test-only switch, in a JVM of its own), the seeds find the hole it closed: a secondary takes over from a mirror
 * that lacks what the primary acknowledged (restarted just before the primary died, or cut off while it went
 * on), and an acknowledged write is read back old; with the fix, the same seed passes. Which seed finds it, and
 * through which schedule, moves as the simulator draws new faults; that the fix alone tells the two apart does
 * not.
 */
class FindsTheHoleTest
{
    @TempDir
    Path dir;

    @Test
    void withTheMirrorGenerationFixRevertedTheSeedsFindTheRestartedSecondaryHole() throws Exception
    {
        final StringBuilder printed = new StringBuilder();
        try (ChildJvm child = ChildJvm.start(Simulate.class, dir.resolve("stderr"),
            List.of("-Dtandem.test.revert.mirrorGenerations=true"),
            "--first", "1", "--seeds", "200", "--threads", "1"))
        {
            String line;
            while (null != (line = child.readLine()))
            {
                printed.append(line).append('\n');
            }
            assertEquals(1, child.waitFor(60, TimeUnit.SECONDS), printed + Files.readString(dir.resolve("stderr")));
        }
        final String report = printed.toString();
        System.out.println(report);
        assertTrue(report.contains("VIOLATION with seed "), report);
        assertTrue(report.contains("an acknowledged write was lost"), report);
        final java.util.regex.Matcher seed = java.util.regex.Pattern.compile("VIOLATION with seed (\\d+)")
            .matcher(report);
        assertTrue(seed.find(), report);
        final SimulationResult fixed = Simulation.run(new SimulationContext().seed(Long.parseLong(seed.group(1)))
            .workDir(dir));
        assertTrue(fixed.passed(), "with the fix, seed " + seed.group(1) + " passes: " + fixed.violations());
    }
}
