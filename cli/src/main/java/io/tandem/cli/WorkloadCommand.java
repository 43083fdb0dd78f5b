package io.tandem.cli;

import io.tandem.cli.workload.Workload;
import io.tandem.cli.workload.WorkloadContext;
import io.tandem.cli.workload.WorkloadReport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code tandem workload}: a verifying NBD client load generator (see {@link Workload}). Parses and checks the
 * options, runs the workload on the calling thread, prints the report to standard output (text or JSON) and
 * progress and failover notices to standard error.
 * <p>
 * Not thread-safe: picocli builds one instance per command line.
 */
@Command(
    name = "workload",
    mixinStandardHelpOptions = true,
    versionProvider = TandemCommand.Version.class,
    description = {
        "Drive an NBD export with reads and writes and verify every read.",
        "",
        "Each block written holds (block, version, seed) and a pattern derived from them. A read must return the " +
            "last acknowledged version of its block or a newer one in flight: never older, never garbage. At the " +
            "end every block with an acknowledged write is read back and checked (unless --no-verify-at-end).",
        "",
        "A connection that breaks or is refused (ESHUTDOWN) connects again within --failover-timeout, and " +
            "verification goes on: to the same target (a pair's service address, which follows the volume), or " +
            "with several --target, to the next one.",
    },
    sortOptions = false)
public final class WorkloadCommand implements Callable<Integer>
{
    @Spec
    private CommandSpec spec;

    @Option(names = {"-t", "--target"}, paramLabel = "HOST:PORT", split = ",", defaultValue = "127.0.0.1:10800",
        converter = TargetConverter.class,
        description = "NBD server, repeatable: the first reachable is used, the next ones on failover; the default " +
            "is a pair's service address, served by whichever controller owns the volume (default: " +
            "${DEFAULT-VALUE}).")
    private List<InetSocketAddress> targets;

    @Option(names = {"-b", "--block-size"}, paramLabel = "SIZE", defaultValue = "4096",
        converter = ByteSizeConverter.class,
        description = "Bytes per request, a multiple of 512 (default: ${DEFAULT-VALUE}).")
    private long blockSize;

    @Option(names = {"-q", "--queue-depth"}, paramLabel = "N", defaultValue = "16",
        description = "Requests in flight per connection (default: ${DEFAULT-VALUE}).")
    private int queueDepth;

    @Option(names = {"-c", "--connections"}, paramLabel = "N", defaultValue = "1",
        description = "Connections (default: ${DEFAULT-VALUE}).")
    private int connections;

    @Option(names = {"-d", "--duration"}, paramLabel = "TIME", converter = DurationConverter.class,
        description = "How long to run, e.g. 10s, 2m (default: 10s unless --ops is given).")
    private Duration duration;

    @Option(names = {"-n", "--ops"}, paramLabel = "N",
        description = "Reads and writes to issue, instead of a duration.")
    private Long ops;

    @Option(names = "--span", paramLabel = "SIZE", converter = ByteSizeConverter.class,
        description = "Bytes of the volume to use, from offset 0 (default: the export's size).")
    private Long span;

    @Option(names = {"-r", "--read-ratio"}, paramLabel = "PERCENT", defaultValue = "30",
        description = "Percentage of reads, 0 to 100; reads go to blocks already written (default: ${DEFAULT-VALUE}).")
    private int readRatio;

    @Option(names = "--seed", paramLabel = "N",
        description = "Seed written into every block and driving the choice of blocks (default: random, printed).")
    private Long seed;

    @Option(names = "--verify-at-end", negatable = true, defaultValue = "true", fallbackValue = "true",
        description = "Read back and check every block with an acknowledged write at the end (default: on).")
    private boolean verifyAtEnd;

    @Option(names = "--verify-only",
        description = "Write nothing: check the volume against --state-file.")
    private boolean verifyOnly;

    @Option(names = "--state-file", paramLabel = "FILE",
        description = "Record of acknowledged writes: continued from if it exists, saved at the end.")
    private Path stateFile;

    @Option(names = "--json", description = "Print the summary as one JSON object.")
    private boolean json;

    @Option(names = {"-p", "--progress"}, paramLabel = "TIME", converter = DurationConverter.class,
        description = "Print ops, MB/s and latency percentiles to stderr this often, e.g. 1s.")
    private Duration progress;

    @Option(names = "--report-stalls", paramLabel = "TIME", converter = DurationConverter.class,
        description = "Print to stderr every time longer than TIME in which no request completed (the outage " +
            "the client saw through a failover), e.g. 50ms.")
    private Duration reportStalls;

    @Option(names = "--timeline", paramLabel = "FILE",
        description = "Write the run's timeline to FILE (JSON lines): every 100 ms the ops/s, bytes/s and latency " +
            "percentiles of the requests completed, errors, and each connection lost, reconnect and outage; " +
            "draw it with 'tandem plot FILE'.")
    private Path timeline;

    @Option(names = "--failover-timeout", paramLabel = "TIME", defaultValue = "30s",
        converter = DurationConverter.class,
        description = "How long a broken connection may look for a target that serves (default: ${DEFAULT-VALUE}).")
    private Duration failoverTimeout;

    @Option(names = "--failover-attempts", paramLabel = "N", defaultValue = "10000",
        description = "Connection attempts allowed for one failover, 10 ms apart (default: ${DEFAULT-VALUE}).")
    private int failoverAttempts;

    @Option(names = "--connect-timeout", paramLabel = "TIME", defaultValue = "2s", converter = DurationConverter.class,
        description = "Time allowed for one connection and handshake (default: ${DEFAULT-VALUE}).")
    private Duration connectTimeout;

    public Integer call()
    {
        final CommandLine commandLine = spec.commandLine();
        final WorkloadContext ctx = context(commandLine);
        final WorkloadReport report = Workload.run(ctx);
        final PrintWriter out = commandLine.getOut();
        if (json)
        {
            out.println(report.toJson());
            out.flush();
        }
        else
        {
            report.print(out);
        }
        switch (report.outcome())
        {
            case OK:
                return ExitCodes.OK;

            case UNREACHABLE:
                commandLine.getErr().println("tandem workload: " + report.message());
                return ExitCodes.UNREACHABLE;

            default:
                commandLine.getErr().println("tandem workload: " + report.message());
                return ExitCodes.FAILED;
        }
    }

    private WorkloadContext context(final CommandLine commandLine)
    {
        if (null != duration && null != ops)
        {
            throw new ParameterException(commandLine, "Give --duration or --ops, not both");
        }
        if (blockSize < WorkloadContext.MIN_BLOCK_SIZE || blockSize % WorkloadContext.MIN_BLOCK_SIZE != 0 ||
            blockSize > Integer.MAX_VALUE)
        {
            throw new ParameterException(commandLine, "--block-size must be a multiple of " +
                WorkloadContext.MIN_BLOCK_SIZE + " up to 1 GiB: " + blockSize);
        }
        if (null != span && span < blockSize)
        {
            throw new ParameterException(commandLine, "--span must hold at least one block: " + span);
        }
        if (null != ops && ops < 1)
        {
            throw new ParameterException(commandLine, "--ops must be at least 1: " + ops);
        }
        if (null != duration && (duration.isNegative() || duration.isZero()))
        {
            throw new ParameterException(commandLine, "--duration must be positive: " + duration);
        }
        if (verifyOnly && null == stateFile)
        {
            throw new ParameterException(commandLine, "--verify-only needs --state-file");
        }
        final PrintWriter err = commandLine.getErr();
        final WorkloadContext ctx = new WorkloadContext()
            .targets(targets)
            .blockSize((int)blockSize)
            .queueDepth(queueDepth)
            .connections(connections)
            .ops(null == ops ? 0 : ops)
            .durationNs(null != ops ? 0 : null == duration ? WorkloadContext.DURATION_NS_DEFAULT : duration.toNanos())
            .span(null == span ? 0 : span)
            .readPercent(readRatio)
            .verifyAtEnd(verifyAtEnd || verifyOnly)
            .verifyOnly(verifyOnly)
            .stateFile(stateFile)
            .progressIntervalNs(null == progress ? 0 : progress.toNanos())
            .stallReportNs(null == reportStalls ? 0 : reportStalls.toNanos())
            .timeline(timeline)
            .progressOut(err)
            .failoverTimeoutNs(failoverTimeout.toNanos())
            .failoverAttempts(failoverAttempts)
            .connectTimeoutNs(connectTimeout.toNanos());
        if (null != seed)
        {
            ctx.seed(seed);
        }
        try
        {
            return ctx.conclude();
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ParameterException(commandLine, ex.getMessage());
        }
    }
}
