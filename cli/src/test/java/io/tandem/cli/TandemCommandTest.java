package io.tandem.cli;

import io.tandem.controller.ControllerContext;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TandemCommandTest
{
    @Test
    void helpListsCommandsAndExitCodes()
    {
        final CommandRun run = CommandRun.execute("--help");
        assertEquals(ExitCodes.OK, run.exitCode, run::toString);
        assertTrue(run.out.contains("Usage: tandem"), run::toString);
        assertTrue(run.out.contains("workload"), run::toString);
        assertTrue(run.out.contains("Exit codes:"), run::toString);
        assertTrue(run.out.contains("3   target unreachable"), run::toString);
    }

    @Test
    void versionComesFromTheBuild()
    {
        final CommandRun run = CommandRun.execute("--version");
        assertEquals(ExitCodes.OK, run.exitCode, run::toString);
        assertTrue(run.out.startsWith("tandem 0."), run::toString);
    }

    @Test
    void noCommandIsAUsageError()
    {
        final CommandRun run = CommandRun.execute();
        assertEquals(ExitCodes.USAGE, run.exitCode, run::toString);
        assertTrue(run.err.contains("Missing command"), run::toString);
        assertTrue(run.err.contains("Usage: tandem"), run::toString);
    }

    @Test
    void unknownCommandAndOptionAreUsageErrors()
    {
        assertUsageError(new String[] {"frobnicate"}, "Unmatched argument");
        assertUsageError(new String[] {"workload", "--no-such-option"}, "Unknown option: '--no-such-option'");
        // --help after an unknown subcommand once printed the parent's help and exited 0
        assertUsageError(new String[] {"frobnicate", "--help"}, "Unmatched argument");
        final CommandRun ctl = CommandRun.execute("ctl", "frobnicate", "--help");
        assertEquals(ExitCodes.USAGE, ctl.exitCode, ctl::toString);
        assertTrue(ctl.err.contains("Unmatched argument at index 1: 'frobnicate'"), ctl::toString);
    }

    @Test
    void diskActionsAndTheirArgumentsAreChecked()
    {
        assertUsageError(new String[] {"ctl", "disk", "fail"}, "disk fail takes 1 argument, given 0");
        assertUsageError(new String[] {"ctl", "disk", "replace", "1"}, "disk replace takes 2 arguments, given 1");
        assertUsageError(new String[] {"ctl", "disk", "fail", "1", "--watch"}, "--watch goes with disk list");
        assertUsageError(new String[] {"primary", "--pool", "raid5:2"}, "raid5 takes 3 to 32 members, not 2");
        assertUsageError(new String[] {"primary", "--pool", "raid7:4"}, "unknown level 'raid7'");
    }

    @Test
    void controllerIdleModeIsSelectOrBackoff()
    {
        final CommandRun help = CommandRun.execute("primary", "--help");
        assertTrue(help.out.contains("--agent-idle=MODE") && help.out.contains("(default: select)"), help::toString);
        assertUsageError(new String[] {"primary", "--agent-idle", "spin"},
            "'spin' is not an idle mode: select or backoff");
        assertUsageError(new String[] {"secondary", "--agent-idle", ""}, "is not an idle mode");
        assertUsageError(new String[] {"primary", "--nvram-memory", " "}, "is not a directory");
    }

    @Test
    void requestCoalescingIsDocumentedAndChecked()
    {
        final CommandRun help = CommandRun.execute("primary", "--help");
        assertTrue(help.out.contains("--nbd-coalesce-depth=N") && help.out.contains("(default: 8)"), help::toString);
        assertTrue(help.out.contains("--nbd-coalesce-window=TIME") && help.out.contains("(default: 500us)"),
            help::toString);
        assertUsageError(new String[] {"primary", "--nbd-coalesce-window", "soon"}, "'soon' is not a duration");
        assertUsageError(new String[] {"primary", "--nbd-coalesce-depth", "many"}, "'many' is not an int");

        final CommandRun negative = CommandRun.execute("primary", "--nbd-coalesce-depth", "-1");
        assertEquals(ExitCodes.FAILED, negative.exitCode, negative::toString);
        assertTrue(negative.err.contains("nbdCoalesceDepth must be >= 0 (0 = off): -1"), negative::toString);
        final CommandRun tooLong = CommandRun.execute("secondary", "--nbd-coalesce-window", "200ms");
        assertEquals(ExitCodes.FAILED, tooLong.exitCode, tooLong::toString);
        assertTrue(tooLong.err.contains("nbdCoalesceWindow must be 0 to 100ms"), tooLong::toString);
        assertFalse(Files.exists(Path.of(ControllerContext.DATA_DIR_DEFAULT)), "a refused setting wrote a data dir");
    }

    @Test
    void workloadHelpShowsOptionsAndExitCodes()
    {
        final CommandRun run = CommandRun.execute("workload", "--help");
        assertEquals(ExitCodes.OK, run.exitCode, run::toString);
        for (final String option : new String[] {"--target", "--block-size", "--queue-depth", "--connections",
            "--duration", "--ops", "--span", "--read-ratio", "--seed", "--[no-]verify-at-end", "--state-file",
            "--verify-only", "--json", "--progress", "Exit codes:"})
        {
            assertTrue(run.out.contains(option), () -> option + " missing in\n" + run);
        }
        assertEquals(run.out, CommandRun.execute("help", "workload").out);
    }

    @Test
    void badWorkloadValuesAreUsageErrors()
    {
        assertUsageError(new String[] {"workload", "--block-size", "1000"}, "multiple of 512");
        assertUsageError(new String[] {"workload", "--block-size", "4x"}, "unknown unit");
        assertUsageError(new String[] {"workload", "--block-size", "lots"}, "is not a size");
        assertUsageError(new String[] {"workload", "--queue-depth", "0"}, "queue depth must be 1 to");
        assertUsageError(new String[] {"workload", "--connections", "1000"}, "connections must be 1 to");
        assertUsageError(new String[] {"workload", "--read-ratio", "101"}, "read ratio must be 0 to 100");
        assertUsageError(new String[] {"workload", "--duration", "soon"}, "is not a duration");
        assertUsageError(new String[] {"workload", "--duration", "1s", "--ops", "10"}, "not both");
        assertUsageError(new String[] {"workload", "--ops", "0"}, "--ops must be at least 1");
        assertUsageError(new String[] {"workload", "--span", "100"}, "at least one block");
        assertUsageError(new String[] {"workload", "--target", "127.0.0.1:99999"}, "port must be 1 to 65535");
        assertUsageError(new String[] {"workload", "--target", "127.0.0.1:http"}, "is not host:port");
        assertUsageError(new String[] {"workload", "--verify-only"}, "--verify-only needs --state-file");
    }

    @Test
    void unreachableTargetExitsWithThree() throws IOException
    {
        final int port;
        try (ServerSocket socket = new ServerSocket(0))
        {
            port = socket.getLocalPort();
        }
        final CommandRun run = CommandRun.execute("workload", "--target", "127.0.0.1:" + port, "--ops", "10");
        assertEquals(ExitCodes.UNREACHABLE, run.exitCode, run::toString);
        assertTrue(run.err.contains("no target reachable (127.0.0.1:" + port + ": Connection refused)"), run::toString);
    }

    @Test
    void jvmFlagsAreFilteredFromTheRootPom()
    {
        assertTrue(JvmFlags.flags().contains("--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED"),
            JvmFlags.flags()::toString);
    }

    private static void assertUsageError(final String[] args, final String message)
    {
        final CommandRun run = CommandRun.execute(args);
        assertEquals(ExitCodes.USAGE, run.exitCode, run::toString);
        assertTrue(run.err.contains(message), () -> "'" + message + "' missing in\n" + run);
        assertTrue(run.err.contains("Usage: tandem"), run::toString);
    }
}
