package io.tandem.cli;

import io.tandem.cli.workload.BlockLedger;
import io.tandem.cli.workload.StateFile;
import io.tandem.controller.nbd.BlockVolume;
import io.tandem.controller.nbd.InMemoryBlockVolume;
import io.tandem.controller.nbd.NbdServer;
import io.tandem.controller.nbd.NbdServerContext;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code tandem workload} as a person runs it, against the primary's NBD server in this JVM.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class WorkloadCommandTest
{
    private static final long VOLUME_SIZE = 4L << 20;

    private final List<AutoCloseable> resources = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void close()
    {
        for (int i = resources.size() - 1; i >= 0; i--)
        {
            CloseHelper.quietClose(resources.get(i));
        }
    }

    @Test
    void shortRunVerifiesWithZeroErrors()
    {
        final NbdServer server = serve(volume());
        final CommandRun run = CommandRun.execute(
            "workload", "--target", target(server), "--ops", "4000", "--queue-depth", "8", "--connections", "2",
            "--seed", "42");
        assertEquals(ExitCodes.OK, run.exitCode, run::toString);
        assertTrue(run.out.contains("seed 42"), run::toString);
        assertTrue(run.out.contains("ops       4000 ("), run::toString);
        assertTrue(run.out.contains(", 0 errors"), run::toString);
        assertTrue(run.out.contains("result    OK"), run::toString);
        assertTrue(run.out.contains("p99.9"), run::toString);
        assertTrue(server.counters().writes() > 1000, run::toString);
        assertTrue(server.counters().flushes() >= 2, run::toString);
    }

    @Test
    void jsonSummary()
    {
        final NbdServer server = serve(volume());
        final CommandRun run = CommandRun.execute(
            "workload", "--target", target(server), "--ops", "500", "--json", "--span", "1M", "--block-size", "8k",
            "--no-verify-at-end");
        assertEquals(ExitCodes.OK, run.exitCode, run::toString);
        assertTrue(run.out.startsWith("{\"outcome\":\"OK\""), run::toString);
        assertTrue(run.out.contains("\"span\":1048576,"), run::toString);
        assertTrue(run.out.contains("\"blockSize\":8192,"), run::toString);
        assertTrue(run.out.contains("\"errors\":0,"), run::toString);
        assertTrue(run.out.contains("\"failovers\":[]"), run::toString);
        assertTrue(run.out.contains("\"blocksVerified\":0,"), run::toString);
    }

    @Test
    void durationWithProgress()
    {
        final NbdServer server = serve(volume());
        final CommandRun run = CommandRun.execute(
            "workload", "--target", target(server), "--duration", "600ms", "--progress", "200ms");
        assertEquals(ExitCodes.OK, run.exitCode, run::toString);
        assertTrue(run.err.contains("s] run "), run::toString);
        assertTrue(run.err.contains(" MB/s "), run::toString);
        assertTrue(run.err.contains("write p50 "), run::toString);
        final double seconds = Double.parseDouble(run.out.replaceAll("(?s).* written in ([0-9.]+) s.*", "$1"));
        assertTrue(seconds >= 0.6 && seconds < 5, run::toString);
    }

    @Test
    void corruptReadsAreDetected()
    {
        final NbdServer server = serve(new CorruptingVolume(volume(), 50));
        final CommandRun run = CommandRun.execute(
            "workload", "--target", target(server), "--ops", "3000", "--read-ratio", "50");
        assertEquals(ExitCodes.FAILED, run.exitCode, run::toString);
        assertTrue(run.out.contains("result    VERIFICATION_FAILED"), run::toString);
        assertTrue(run.out.contains("with bad data from byte 100 (torn or corrupt)"), run::toString);
        assertTrue(run.err.contains("reads returned wrong data"), run::toString);
    }

    @Test
    void targetRefusingIoExitsWithThree()
    {
        final NbdServer server = serve(volume());
        server.refuseIo(true);
        final CommandRun run = CommandRun.execute("workload", "--target", target(server), "--ops", "100");
        assertEquals(ExitCodes.UNREACHABLE, run.exitCode, run::toString);
        assertTrue(run.err.contains("refuses I/O (ESHUTDOWN)"), run::toString);
        assertTrue(run.err.contains("secondary before takeover"), run::toString);
    }

    @Test
    void failsOverWhenTheFirstTargetCloses() throws Exception
    {
        final InMemoryBlockVolume volume = volume();
        final NbdServer a = serve(volume);
        final NbdServer b = serve(volume);
        final CompletableFuture<CommandRun> run = CompletableFuture.supplyAsync(() -> CommandRun.execute(
            "workload", "--target", target(a), "--target", target(b), "--ops", "30000", "--seed", "7"));
        awaitUntil(() -> a.counters().writes() > 2000 || run.isDone());
        a.close();
        final CommandRun result = run.get(15, TimeUnit.SECONDS);
        assertEquals(ExitCodes.OK, result.exitCode, result::toString);
        assertTrue(result.out.contains("failovers 1\n"), result::toString);
        assertTrue(result.out.contains("failover of connection 0: " + target(a) + " -> " + target(b)),
            result::toString);
        assertTrue(result.out.contains(", 0 errors"), result::toString);
        assertTrue(b.counters().writes() > 0, result::toString);
    }

    @Test
    void failsOverToASecondaryThatRefusesIoUntilItTakesOver() throws Exception
    {
        final InMemoryBlockVolume volume = volume();
        final NbdServer a = serve(volume);
        final NbdServer b = serve(volume);
        b.refuseIo(true);
        final CompletableFuture<CommandRun> run = CompletableFuture.supplyAsync(() -> CommandRun.execute(
            "workload", "--target", target(a) + "," + target(b), "--ops", "20000", "--json"));
        awaitUntil(() -> a.counters().writes() > 2000 || run.isDone());
        a.refuseIo(true);
        awaitUntil(() -> b.counters().refusedRequests() > 0 || run.isDone());
        b.refuseIo(false);
        final CommandRun result = run.get(15, TimeUnit.SECONDS);
        assertEquals(ExitCodes.OK, result.exitCode, result::toString);
        assertTrue(result.out.contains("\"failovers\":[{\"connection\":0,\"from\":\"" + target(a) + "\",\"to\":\"" +
            target(b) + "\""), result::toString);
        assertFalse(result.out.contains("},{\"connection\""), result::toString);
        assertTrue(result.out.contains("\"errors\":0,"), result::toString);
    }

    @Test
    void failoverGivesUpWhenNoTargetServesInTime() throws Exception
    {
        final InMemoryBlockVolume volume = volume();
        final NbdServer a = serve(volume);
        final NbdServer b = serve(volume);
        b.refuseIo(true);
        final CompletableFuture<CommandRun> run = CompletableFuture.supplyAsync(() -> CommandRun.execute(
            "workload", "--target", target(a), "--target", target(b), "--duration", "10s",
            "--failover-timeout", "500ms"));
        awaitUntil(() -> a.counters().writes() > 1000 || run.isDone());
        a.close();
        final CommandRun result = run.get(10, TimeUnit.SECONDS);
        assertEquals(ExitCodes.UNREACHABLE, result.exitCode, result::toString);
        assertTrue(result.err.contains("connection 0: no target served within"), result::toString);
        assertTrue(result.err.contains("refuses I/O (ESHUTDOWN)"), result::toString);
        assertTrue(b.counters().refusedRequests() > 0, result::toString);
    }

    @Test
    void stateFileLetsALaterRunVerifyTheVolume() throws IOException
    {
        final InMemoryBlockVolume volume = volume();
        final NbdServer server = serve(volume);
        final Path state = dir.resolve("workload.state");
        final CommandRun first = CommandRun.execute(
            "workload", "--target", target(server), "--ops", "3000", "--state-file", state.toString());
        assertEquals(ExitCodes.OK, first.exitCode, first::toString);
        assertTrue(Files.size(state) > 0);

        final CommandRun second = CommandRun.execute(
            "workload", "--target", target(server), "--ops", "2000", "--state-file", state.toString());
        assertEquals(ExitCodes.OK, second.exitCode, second::toString);

        final CommandRun verify = CommandRun.execute(
            "workload", "--target", target(server), "--verify-only", "--state-file", state.toString());
        assertEquals(ExitCodes.OK, verify.exitCode, verify::toString);
        assertTrue(verify.out.contains("verify-only against"), verify::toString);
        assertFalse(verify.out.contains(" 0 blocks verified"), verify::toString);

        // two blocks the state file says were written: corrupt one and zero the other behind the server's back
        final BlockLedger ledger = StateFile.load(state).ledger();
        final int corrupt = ledger.ackedBlock(0);
        final int zeroed = ledger.ackedBlock(1);
        final int corruptOffset = corrupt * 4096 + 200;
        volume.contents().putByte(corruptOffset, (byte)(volume.contents().getByte(corruptOffset) ^ 1));
        volume.contents().setMemory(zeroed * 4096, 4096, (byte)0);
        final CommandRun damaged = CommandRun.execute(
            "workload", "--target", target(server), "--verify-only", "--state-file", state.toString());
        assertEquals(ExitCodes.FAILED, damaged.exitCode, damaged::toString);
        assertTrue(damaged.out.contains("2 errors"), damaged::toString);
        assertTrue(damaged.out.contains("block " + corrupt + " (offset " + corrupt * 4096L + ") read from nbd://" +
            target(server) + " at the end: expected version " + ledger.acked(corrupt) + ", got version " +
            ledger.acked(corrupt) + " with bad data from byte 200 (torn or corrupt)"), damaged::toString);
        assertTrue(damaged.out.contains("block " + zeroed + " (offset " + zeroed * 4096L + ") read from nbd://" +
            target(server) + " at the end: expected version " + ledger.acked(zeroed) +
            ", got zeroes, as if never written"), damaged::toString);
    }

    @Test
    void verifyOnlyWithoutAStateFileFails()
    {
        final NbdServer server = serve(volume());
        final CommandRun run = CommandRun.execute(
            "workload", "--target", target(server), "--verify-only", "--state-file", dir.resolve("none").toString());
        assertEquals(ExitCodes.FAILED, run.exitCode, run::toString);
        assertTrue(run.err.contains("no state file at"), run::toString);
    }

    private InMemoryBlockVolume volume()
    {
        final InMemoryBlockVolume volume = new InMemoryBlockVolume(VOLUME_SIZE);
        resources.add(volume);
        return volume;
    }

    private NbdServer serve(final BlockVolume volume)
    {
        try
        {
            final NbdServer server = NbdServer.launch(new NbdServerContext().port(0).volume(volume));
            resources.add(server);
            return server;
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private static String target(final NbdServer server)
    {
        return "127.0.0.1:" + server.port();
    }

    private static void awaitUntil(final BooleanSupplier condition)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadlineNs)
            {
                throw new AssertionError("condition not met in 10 s");
            }
            Thread.yield();
        }
    }
}
