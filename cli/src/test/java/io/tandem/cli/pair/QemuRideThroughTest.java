package io.tandem.cli.pair;

import io.tandem.staging.testing.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.tandem.cli.pair.PairControl.await;
import static io.tandem.cli.pair.PairControl.command;
import static io.tandem.cli.pair.PairControl.field;
import static io.tandem.cli.pair.PairControl.mirrored;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An unmodified client rides through failover on the volume's service address: qemu-io, its NBD client told to
 * reconnect ({@code reconnect-delay}), writes a pattern to block after block through the service address while
 * the primary is killed with kill -9 part-way, and again while the volume is given back; then it reads every
 * block back against its pattern. It sees no I/O error, and every write verifies.
 */
class QemuRideThroughTest
{
    private static final int BLOCK = 4096;
    private static final int KILL_PHASE = 4000;
    private static final int GIVEBACK_PHASE = 8000;

    @TempDir
    Path dir;

    @Test
    void qemuWritesThroughAKillAndAGivebackWithoutAnErrorAndReadsEveryWriteBack() throws Exception
    {
        try (LaunchedPair pair = new LaunchedPair(dir, 11979, 27250))
        {
            final ChildJvm[] controllers = new ChildJvm[2];
            controllers[1] = pair.start(1, "secondary");
            controllers[0] = pair.start(0, "primary");
            await(pair, "the pair to mirror", 30, () -> mirrored(pair, 0));

            // kill -9 of the primary once 200 of 4000 writes are done: the rest wait in qemu's NBD client
            try (QemuIo qemu = new QemuIo(pair.servicePort, commands("write", 0, KILL_PHASE)))
            {
                qemu.awaitDone(200);
                controllers[0].kill();
                controllers[0].close();
                await(pair, "controller 1 to take over", 60, () -> "primary".equals(field(pair.controlBase + 1,
                    "role")));
                await(pair, "controller 1 to listen on the service address", 10, () ->
                    "BOUND".equals(PairControl.statusJson(pair.controlBase + 1).path("service.state").asText()));
                assertTrue(qemu.done.get() < KILL_PHASE, "the kill came while qemu wrote: " + qemu.done.get());
                qemu.assertClean(KILL_PHASE);
            }
            controllers[0] = pair.start(0, "secondary");
            await(pair, "the killed controller to rejoin and be resynced", 60, () -> mirrored(pair, 1));

            // a giveback once 200 of the next 8000 are done
            try (QemuIo qemu = new QemuIo(pair.servicePort, commands("write", KILL_PHASE, GIVEBACK_PHASE)))
            {
                qemu.awaitDone(200);
                assertTrue(command(pair.controlBase + 1, "giveback").startsWith("OK"), "the giveback started");
                await(pair, "controller 0 to listen on the service address", 30, () ->
                    "BOUND".equals(PairControl.statusJson(pair.controlBase).path("service.state").asText()));
                assertTrue(qemu.done.get() < GIVEBACK_PHASE, "the giveback came while qemu wrote: " +
                    qemu.done.get());
                qemu.assertClean(GIVEBACK_PHASE);
                await(pair, "the pair to mirror after the giveback", 60, () -> mirrored(pair, 0));
            }

            try (QemuIo qemu = new QemuIo(pair.servicePort, commands("read", 0, KILL_PHASE + GIVEBACK_PHASE)))
            {
                qemu.assertClean(KILL_PHASE + GIVEBACK_PHASE);
            }
        }
    }

    /**
     * @return qemu-io commands that write (or read and check) a pattern of its own to each of {@code count} blocks
     * from {@code first}.
     */
    private static List<String> commands(final String verb, final int first, final int count)
    {
        final List<String> commands = new java.util.ArrayList<>();
        for (int block = first; block < first + count; block++)
        {
            commands.add(verb + " -P " + (1 + block % 251) + " " + (long)block * BLOCK + " " + BLOCK);
        }
        return commands;
    }

    /**
     * qemu-io on the service address running a list of commands (given as -c arguments: commands fed on its
     * standard input stall once its stdio buffer holds lines the descriptor no longer signals); its output is read
     * as it comes.
     */
    private static final class QemuIo implements AutoCloseable
    {
        final Process process;
        final AtomicInteger done = new AtomicInteger();
        final List<String> problems = new CopyOnWriteArrayList<>();
        final StringBuffer tail = new StringBuffer();
        final Thread reader;

        QemuIo(final int port, final List<String> commands) throws IOException
        {
            final List<String> args = new java.util.ArrayList<>(List.of("qemu-io", "--image-opts",
                "driver=raw,file.driver=nbd,file.server.type=inet,file.server.host=127.0.0.1,file.server.port=" +
                port + ",file.reconnect-delay=60"));
            for (final String command : commands)
            {
                args.add("-c");
                args.add(command);
            }
            process = new ProcessBuilder(args).redirectErrorStream(true).start();
            process.getOutputStream().close();
            reader = new Thread(this::readOutput, "qemu-io-output");
            reader.setDaemon(true);
            reader.start();
        }

        private void readOutput()
        {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.US_ASCII)))
            {
                String line;
                while (null != (line = out.readLine()))
                {
                    if (line.contains("wrote " + BLOCK + "/" + BLOCK) || line.contains("read " + BLOCK + "/" + BLOCK))
                    {
                        done.incrementAndGet();
                    }
                    else if (line.contains("failed") || line.contains("rror") || line.contains("mismatch"))
                    {
                        problems.add(line);
                    }
                    if (tail.length() > 20_000)
                    {
                        tail.delete(0, 10_000);
                    }
                    tail.append(line).append('\n');
                }
            }
            catch (final IOException ex)
            {
                problems.add("reading qemu-io's output: " + ex);
            }
        }

        void awaitDone(final int count) throws InterruptedException
        {
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (done.get() < count)
            {
                assertTrue(process.isAlive() || done.get() >= count, "qemu-io exited: " + tail);
                assertTrue(System.nanoTime() < deadlineNs, "qemu-io did " + done.get() + " of " + count +
                    " in 60 s: " + tail);
                Thread.sleep(1); // another process's progress: there is no clock to step
            }
        }

        /**
         * Waits for qemu-io to finish, and checks it did all {@code count} commands without an error.
         */
        void assertClean(final int count) throws InterruptedException
        {
            assertTrue(process.waitFor(120, TimeUnit.SECONDS), "qemu-io did not finish: " + tail);
            reader.join(10_000);
            assertEquals(0, process.exitValue(), tail.toString());
            assertTrue(problems.isEmpty(), "qemu-io saw: " + problems);
            assertEquals(count, done.get(), "every command done: " + tail);
        }

        public void close()
        {
            process.destroyForcibly();
        }
    }
}
