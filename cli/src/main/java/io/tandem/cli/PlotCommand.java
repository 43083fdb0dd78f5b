package io.tandem.cli;

import io.tandem.cli.timeline.Timeline;
import io.tandem.cli.timeline.TimelineFormatException;
import io.tandem.cli.timeline.TimelineReader;
import io.tandem.cli.timeline.plot.TimelineReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code tandem plot}: draws a timeline file (a workload's, or the demo's with both controllers' events) as an HTML
 * report that stands alone, and as a PNG if asked.
 * <p>
 * Not thread-safe: picocli builds one instance per command line.
 */
@Command(
    name = "plot",
    mixinStandardHelpOptions = true,
    versionProvider = TandemCommand.Version.class,
    description = {
        "Draw a timeline (tandem workload --timeline, or the demo's) as a report: one HTML page with a chart of " +
            "throughput and p99 latency over time, outages shaded and labelled, events marked, and tables of the " +
            "figures, outages and events.",
    },
    sortOptions = false)
public final class PlotCommand implements Callable<Integer>
{
    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The timeline file (JSON lines).")
    private Path file;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT.html",
        description = "Where to write the report (default: FILE with .html for its extension).")
    private Path output;

    @Option(names = "--png", paramLabel = "OUT.png", description = "Also write the chart as a PNG (1600 x 900).")
    private Path png;

    @Option(names = "--min-outage", paramLabel = "MS", defaultValue = "50",
        description = "Shade and label outages at least this long, in ms; shorter ones are only listed " +
            "(default: ${DEFAULT-VALUE}).")
    private double minOutageMs;

    public Integer call() throws IOException
    {
        final Timeline timeline;
        try
        {
            timeline = TimelineReader.read(file);
        }
        catch (final TimelineFormatException ex)
        {
            spec.commandLine().getErr().println("tandem plot: " + ex.getMessage());
            return ExitCodes.USAGE;
        }
        final Path html = null == output ? defaultOutput(file) : output;
        TimelineReport.html(timeline, html, minOutageMs);
        spec.commandLine().getOut().println("report: " + html.toAbsolutePath());
        if (null != png)
        {
            TimelineReport.png(timeline, png, minOutageMs);
            spec.commandLine().getOut().println("chart: " + png.toAbsolutePath());
        }
        return ExitCodes.OK;
    }

    private static Path defaultOutput(final Path file)
    {
        final String name = file.getFileName().toString();
        final int dot = name.lastIndexOf('.');
        return file.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".html");
    }
}
