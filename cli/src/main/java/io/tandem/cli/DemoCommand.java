package io.tandem.cli;

import io.tandem.cli.timeline.Timeline;
import io.tandem.cli.timeline.TimelineFormatException;
import io.tandem.cli.timeline.plot.ChartMarks;
import io.tandem.cli.timeline.plot.TimelineReport;
import io.tandem.cli.workload.Workload;
import io.tandem.cli.workload.WorkloadContext;
import io.tandem.cli.workload.WorkloadOutcome;
import io.tandem.cli.workload.WorkloadReport;
import io.tandem.controller.ControllerContext;
import io.tandem.controller.control.ControlClient;
import io.tandem.recovery.journal.EventJournalReader;
import io.tandem.recovery.journal.JournalEvent;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * {@code tandem demo}: the whole story with one command and no configuration. Starts both controllers as two
 * JVMs on loopback, runs a verified workload against both ports, pulls and restores a path, kills the primary
 * with kill -9, lets the secondary take over, restarts the old primary (it rejoins as secondary and is
 * resynced), gives the volume back, then verifies every acknowledged write, prints the timeline from both
 * event journals, and writes a report ({@link DemoTimeline}): the workload's timeline with the demo's steps and both
 * journals, drawn as a chart of throughput and latency through every failover. Cleans up its data.
 * <p>
 * Not thread-safe: picocli builds one instance per command line.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    versionProvider = TandemCommand.Version.class,
    description = "Run the failover story end to end on loopback: mirror, path pull, a disk failure and rebuild, " +
        "kill -9 of the primary, takeover, rejoin, giveback, verification of every acknowledged write, the " +
        "timeline, and a report with a chart of throughput and latency through every failover.",
    sortOptions = false)
public final class DemoCommand implements Callable<Integer>
{
    @Spec
    private CommandSpec spec;

    @Option(names = "--nbd-port-base", paramLabel = "PORT", defaultValue = "10809",
        description = "NBD port of controller 0; controller 1 uses the next; control ports are + 100 " +
            "(default: ${DEFAULT-VALUE}).")
    private int nbdPortBase;

    @Option(names = "--service-port", paramLabel = "PORT",
        description = "Port of the volume's service address on 127.0.0.1, which the controller that owns the " +
            "volume listens on (default: the NBD port base - 9, 10800).")
    private Integer servicePort;

    @Option(names = "--interconnect-port-base", paramLabel = "PORT", defaultValue = "24610",
        description = "UDP port of path 0's data channel; ack channels start 20 above (default: ${DEFAULT-VALUE}).")
    private int interconnectPortBase;

    @Option(names = "--dir", paramLabel = "DIR",
        description = "Where the demo keeps its pair's data (default: a new temporary directory, deleted at the end).")
    private Path dir;

    @Option(names = "--keep", description = "Keep the data directory at the end.")
    private boolean keep;

    @Option(names = "--report", paramLabel = "DIR", defaultValue = "tandem-demo-report",
        description = "Where to write the report: report.html (the chart of throughput and latency through every " +
            "failover, and the figures), report.png and timeline.jsonl (default: ${DEFAULT-VALUE}).")
    private Path reportDir;

    private PrintWriter out;
    private final List<Process> processes = new ArrayList<>();
    private final List<Process> killed = new ArrayList<>();
    private final java.util.Map<Process, Path> logs = new java.util.HashMap<>();
    private long startMs;
    private DemoTimeline timeline;

    public Integer call() throws Exception
    {
        out = spec.commandLine().getOut();
        if (null == servicePort)
        {
            servicePort = nbdPortBase - 9;
        }
        final Path root = null == dir ? Files.createTempDirectory("tandem-demo") : Files.createDirectories(dir);
        timeline = new DemoTimeline(reportDir);
        startMs = System.currentTimeMillis();
        try
        {
            return story(root);
        }
        catch (final IllegalStateException ex)
        {
            spec.commandLine().getErr().println("tandem demo: " + ex.getMessage());
            return ExitCodes.FAILED;
        }
        finally
        {
            for (final Process process : processes)
            {
                stop(process);
            }
            if (!keep)
            {
                delete(root);
            }
            else
            {
                say("data kept in " + root);
            }
        }
    }

    private int story(final Path root) throws Exception
    {
        say("starting controller 1 (secondary) and controller 0 (primary) as two JVMs; data in " + root);
        final Process secondary = launch(root, "secondary", 1);
        Process primary = launch(root, "primary", 0);
        await("the pair to mirror on both paths", 60, () -> status(0).contains("mirror=MIRRORED") &&
            status(0).contains("path.0=up") && status(0).contains("path.1=up") &&
            status(1).contains("\nrole=secondary\n"));
        say("mirroring: " + line(status(0), "path.0") + ", " + line(status(0), "path.1"));

        final AtomicBoolean stop = new AtomicBoolean();
        final CompletableFuture<WorkloadReport> workload = CompletableFuture.supplyAsync(() -> Workload.run(
            new WorkloadContext()
                .targets(List.of(new InetSocketAddress("127.0.0.1", servicePort)))
                .queueDepth(16).readPercent(30).span(128L << 20).durationNs(TimeUnit.MINUTES.toNanos(10))
                .failoverTimeoutNs(TimeUnit.SECONDS.toNanos(90)).failoverAttempts(100_000)
                .stopSignal(stop).progressOut(new PrintWriter(System.err, true))
                .timeline(timeline.file()).timelineTitle("tandem demo: a client's view of every failover")));
        say("a verifying workload runs against the volume's service address 127.0.0.1:" + servicePort +
            ", which follows the volume (queue depth 16, 30% reads)");
        pause(3);

        say("pulling interconnect path 0");
        timeline.step("path 0 pulled", "path pull", "interconnect path 0 pulled: every frame dropped both ways");
        final long pullNs = System.nanoTime();
        control(0, "path pull 0");
        await("path 0 down", 10, () -> status(0).contains("path.0=down"));
        timeline.figure("path pull to path declared down", millis(pullNs) + " ms");
        say("path 0 is down; writes go on over path 1: " + line(status(0), "writes.completed"));
        pause(2);
        timeline.step("path 0 restored", "path restore", "interconnect path 0 restored");
        control(0, "path restore 0");
        await("path 0 back", 10, () -> status(0).contains("path.0=up"));
        say("path 0 restored");
        pause(1);

        say("disk 1 of the pool (raid5 of 3 and a hot spare) dies: every I/O to it fails from now on");
        timeline.step("disk 1 dies", "disk failure", "disk 1 of the pool (raid5 of 3 and a hot spare) dies");
        final long diskNs = System.nanoTime();
        control(0, "disk fault 1 dead");
        control(0, "cp"); // the next consistency point's writes find it dead
        await("the spare to take disk 1's place", 30, () -> status(0).contains("\npool.rebuild_slot=1\n") ||
            (status(0).contains("\npool.state=healthy\n") && status(0).contains("spare-0.img")));
        say("the hot spare took its slot and is rebuilt beside the workload: " + line(status(0), "pool.disk.1"));
        timeline.step("spare rebuilding", "rebuild", "the hot spare took disk 1's slot and is rebuilt");
        await("the rebuild", 60, () -> status(0).contains("\npool.state=healthy\n"));
        timeline.step("rebuilt", null, "the spare is rebuilt: the array is healthy");
        timeline.figure("disk death to array rebuilt", millis(diskNs) + " ms");
        say("rebuilt: " + line(status(0), "pool.disk.1") + "; the workload went on throughout");
        pause(1);

        say("kill -9 of the primary (pid " + primary.pid() + ")");
        timeline.step("kill -9 primary", "takeover",
            "kill -9 of the primary, controller 0 (pid " + primary.pid() + ")");
        final long killNs = System.nanoTime();
        killed.add(primary);
        primary.destroyForcibly();
        primary.waitFor(10, TimeUnit.SECONDS);
        await("the secondary to take over", 60, () -> status(1).contains("\nrole=primary\n"));
        final long servingMs = (System.nanoTime() - killNs) / 1_000_000;
        final long writesBefore = value(status(1), "writes.completed");
        await("the first write served by controller 1", 60, () -> value(status(1), "writes.completed") > writesBefore);
        final long firstWriteMs = millis(killNs);
        timeline.step("c1 serves", null, "controller 1 took over and serves its first write");
        say("controller 1 serves: " + servingMs + " ms from the kill to serving, " + firstWriteMs +
            " ms to its first write");
        timeline.figure("kill -9 to controller 1 serving", servingMs + " ms");
        timeline.figure("kill -9 to its first write", firstWriteMs + " ms");
        final String takeover = takeoverLine(root);
        timeline.figure("the takeover's own account", takeover);
        say(takeover);

        say("restarting the old primary: it finds the pool taken and rejoins as secondary");
        timeline.step("c0 restarts", "resync", "the old primary restarts: it finds the pool taken and rejoins as " +
            "secondary");
        final long restartNs = System.nanoTime();
        primary = launch(root, "primary", 0);
        await("the resync", 60,
            () -> status(1).contains("mirror=MIRRORED") && status(0).contains("\nrole=secondary\n"));
        timeline.step("resynced", null, "controller 0 resynced: the volume is mirrored again");
        timeline.figure("old primary's restart to mirrored again", millis(restartNs) + " ms");
        say("mirror resynced: " + line(status(1), "epoch"));
        pause(2);

        say("giving the volume back to controller 0");
        timeline.step("giveback", "giveback", "controller 1 gives the volume back to controller 0");
        final long givebackNs = System.nanoTime();
        control(1, "giveback");
        await("the giveback", 60, () -> status(0).contains("\nrole=primary\n") &&
            status(0).contains("mirror=MIRRORED") && status(1).contains("\nrole=secondary\n"));
        timeline.step("c0 serves", null, "controller 0 serves again, mirrored by controller 1");
        timeline.figure("giveback to controller 0 serving, mirrored", millis(givebackNs) + " ms");
        say("controller 0 serves again, controller 1 mirrors it: " + line(status(0), "epoch"));
        pause(2);

        stop.set(true);
        final WorkloadReport report = workload.get(5, TimeUnit.MINUTES);
        out.println();
        report.print(out);
        out.println();
        final List<JournalEvent> events = timeline(root);
        final boolean ok = WorkloadOutcome.OK == report.outcome();
        say(ok ? "every acknowledged write verified: no write lost" : "VERIFICATION FAILED: " + report.message());
        report(report, events);
        return ok ? ExitCodes.OK : ExitCodes.FAILED;
    }

    /**
     * Adds the run's figures, both journals and the demo's steps to the workload's timeline and draws the report.
     */
    private void report(final WorkloadReport report, final List<JournalEvent> events) throws IOException
    {
        timeline.figure("workload", String.format(Locale.ROOT, "%d ops, %.1f MB/s, %.0f IOPS in %.1f s",
            report.stats().reads() + report.stats().writes(), report.stats().megabytesPerSecond(),
            report.stats().iops(), report.stats().elapsedNs() / 1e9));
        for (int i = 0; i < report.failovers().size(); i++)
        {
            timeline.figure("the workload's failover " + (i + 1), report.failovers().get(i).toString());
        }
        timeline.figure("verification", report.verification().blocksVerified() + " blocks verified at the end, " +
            report.verification().errors() + " errors");
        try
        {
            final Timeline drawn = timeline.finish(events);
            final List<String> outages = new ArrayList<>();
            for (final ChartMarks.Span outage : new ChartMarks(drawn, TimelineReport.MIN_OUTAGE_MS_DEFAULT).outages())
            {
                if (null != outage.label())
                {
                    outages.add(outage.label());
                }
            }
            say("the longest outage the client saw in each step: " +
                (outages.isEmpty() ? "none" : String.join("; ", outages)));
            say("report: " + timeline.html().toAbsolutePath() + " (chart also in " + timeline.png().getFileName() +
                ", data in " + timeline.file().getFileName() + ")");
        }
        catch (final TimelineFormatException ex)
        {
            throw new IllegalStateException("cannot read back the timeline: " + ex.getMessage(), ex);
        }
    }

    private static long millis(final long sinceNs)
    {
        return (System.nanoTime() - sinceNs) / 1_000_000;
    }

    private Process launch(final Path root, final String role, final int id) throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(JvmFlags.flags());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Tandem.class.getName());
        command.addAll(List.of(role, "--id", Integer.toString(id), "--data-dir", root.resolve("data").toString(),
            "--aeron-dir", root.resolve("aeron").toString(), "--nbd-port", Integer.toString(nbdPortBase + id),
            "--service-address", "127.0.0.1:" + servicePort,
            "--volume-size", "256M", "--nvram-size", "32M", "--pool", "raid5:3+1spare", "--pool-chunk", "16K",
            "--rebuild-min-rate", "256M",
            "--data-port-base", Integer.toString(interconnectPortBase),
            "--ack-port-base", Integer.toString(interconnectPortBase + 20)));
        final Process process = new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(root.resolve("controller-" + id + ".log").toFile()))
            .start();
        processes.add(process);
        logs.put(process, root.resolve("controller-" + id + ".log"));
        return process;
    }

    private String status(final int id)
    {
        try
        {
            return ControlClient.send("127.0.0.1", nbdPortBase + 100 + id, "status", 2_000);
        }
        catch (final IOException ex)
        {
            return "";
        }
    }

    private void control(final int id, final String command) throws IOException
    {
        final String reply = ControlClient.send("127.0.0.1", nbdPortBase + 100 + id, command, 5_000);
        if (!reply.startsWith("OK"))
        {
            throw new IllegalStateException("controller " + id + " refused '" + command + "': " + reply.trim());
        }
    }

    /**
     * @return the takeover's own account (detection, fence, scan, replay, CP), from the journal of controller 1.
     */
    private String takeoverLine(final Path root)
    {
        final Path journal = root.resolve("data").resolve("controller-1").resolve("journal");
        try (EventJournalReader reader = EventJournalReader.open(journal))
        {
            String last = "(no takeover summary in the journal)";
            for (final JournalEvent event : reader.readAll())
            {
                if (event.toString().contains("took over at epoch"))
                {
                    last = event.detail();
                }
            }
            return last;
        }
    }

    private static String line(final String status, final String key)
    {
        for (final String line : status.split("\n"))
        {
            if (line.startsWith(key + "="))
            {
                return line;
            }
        }
        return key + "=?";
    }

    private static long value(final String status, final String key)
    {
        final String line = line(status, key);
        try
        {
            return Long.parseLong(line.substring(key.length() + 1).split(" ")[0]);
        }
        catch (final NumberFormatException ex)
        {
            return -1;
        }
    }

    /**
     * Prints both controllers' journals in time order.
     *
     * @return the events printed, for the report.
     */
    private List<JournalEvent> timeline(final Path root)
    {
        final List<JournalEvent> events = new ArrayList<>();
        for (int id = 0; id < 2; id++)
        {
            final Path journal = ControllerContext.controllerDir(root.resolve("data"), id).resolve("journal");
            if (Files.isDirectory(journal))
            {
                try (EventJournalReader reader = EventJournalReader.open(journal))
                {
                    events.addAll(reader.readAll());
                }
            }
        }
        events.sort(Comparator.comparingLong(JournalEvent::timeMs));
        out.println("timeline (from both controllers' event journals; ms since the demo started):");
        for (final JournalEvent event : events)
        {
            out.printf("  %7d  %s%n", event.timeMs() - startMs, event);
        }
        out.println();
        return events;
    }

    private void await(final String what, final long seconds, final BooleanSupplier condition)
        throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean())
        {
            for (final Process process : processes)
            {
                if (!process.isAlive() && !killed.contains(process))
                {
                    throw new IllegalStateException("a controller (pid " + process.pid() + ") exited with code " +
                        process.exitValue() + " while waiting for " + what + "; its log is " + logOf(process));
                }
            }
            if (System.nanoTime() > deadlineNs)
            {
                throw new IllegalStateException("gave up after " + seconds + " s waiting for " + what);
            }
            TimeUnit.MILLISECONDS.sleep(50); // watching other processes: there is no clock to step
        }
    }

    private String logOf(final Process process)
    {
        final Path log = logs.get(process);
        try
        {
            final List<String> lines = Files.readAllLines(log);
            return log + ", ending:\n  " + String.join("\n  ", lines.subList(Math.max(0, lines.size() - 5),
                lines.size()));
        }
        catch (final IOException ex)
        {
            return String.valueOf(log);
        }
    }

    private void pause(final int seconds) throws InterruptedException
    {
        TimeUnit.SECONDS.sleep(seconds); // let the workload run through this stage of the story
    }

    private void say(final String message)
    {
        out.printf("[%6.1f s] %s%n", (System.currentTimeMillis() - startMs) / 1000.0, message);
        out.flush();
    }

    private static void stop(final Process process) throws InterruptedException
    {
        if (process.isAlive())
        {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS))
            {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static void delete(final Path root) throws IOException
    {
        if (!Files.exists(root))
        {
            return;
        }
        try (Stream<Path> paths = Files.walk(root))
        {
            for (final Path path : (Iterable<Path>)paths.sorted(Comparator.reverseOrder())::iterator)
            {
                Files.deleteIfExists(path);
            }
        }
    }
}
