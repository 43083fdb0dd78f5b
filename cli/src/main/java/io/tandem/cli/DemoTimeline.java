package io.tandem.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import io.tandem.cli.timeline.Timeline;
import io.tandem.cli.timeline.TimelineFormat;
import io.tandem.cli.timeline.TimelineFormatException;
import io.tandem.cli.timeline.TimelineReader;
import io.tandem.cli.timeline.TimelineWriter;
import io.tandem.cli.timeline.plot.TimelineReport;
import io.tandem.recovery.journal.JournalEvent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo's timeline and report. The workload writes its intervals and events into {@link #file()} as it runs; the
 * demo notes here what it does and sees (each a labelled step, some starting a phase that names the outages that
 * follow) and the figures it prints; at the end those, and both controllers' event journals, join the workload's in
 * the file, which is drawn as {@code report.html} and {@code report.png} beside it.
 * <p>
 * Thread-safe for steps and figures noted from several threads; {@link #finish} once, at the end.
 */
final class DemoTimeline
{
    private record Step(long timeMs, String label, String phase, String detail)
    {
    }

    private final Path dir;
    private final List<Step> steps = new ArrayList<>();
    private final List<String[]> figures = new ArrayList<>();

    DemoTimeline(final Path dir) throws IOException
    {
        this.dir = Files.createDirectories(dir);
    }

    /**
     * @return the timeline file, which the workload writes.
     */
    Path file()
    {
        return dir.resolve("timeline.jsonl");
    }

    Path html()
    {
        return dir.resolve("report.html");
    }

    Path png()
    {
        return dir.resolve("report.png");
    }

    /**
     * Notes a step of the story, now: {@code label} marks it on the chart; a {@code phase} (or null) names the
     * outages that begin within seconds of it; {@code detail} says it in a sentence.
     */
    synchronized void step(final String label, final String phase, final String detail)
    {
        steps.add(new Step(System.currentTimeMillis(), label, phase, detail));
    }

    synchronized void figure(final String name, final String value)
    {
        figures.add(new String[] {name, value});
    }

    /**
     * Adds the steps, the figures and both controllers' journal events (as the demo read them) to the timeline
     * file, and draws the report.
     *
     * @return the report read back from the file, for the caller to name what it shows.
     */
    synchronized Timeline finish(final List<JournalEvent> events) throws IOException, TimelineFormatException
    {
        try (TimelineWriter out = TimelineWriter.append(file()))
        {
            for (final Step step : steps)
            {
                final JsonGenerator json = out.begin(TimelineFormat.EVENT);
                json.writeStringField("source", TimelineFormat.SOURCE_DEMO);
                json.writeNumberField("time_ms", step.timeMs());
                json.writeStringField("type", TimelineFormat.ACTION);
                json.writeStringField("label", step.label());
                if (null != step.phase())
                {
                    json.writeStringField("phase", step.phase());
                }
                json.writeStringField("detail", step.detail());
                out.end();
            }
            for (final JournalEvent event : events)
            {
                // the object of ctl events --json, with the record and the source in front
                out.raw("{\"record\":\"event\",\"source\":\"controller\"," + EventJson.render(event).substring(1));
            }
            for (final String[] figure : figures)
            {
                final JsonGenerator json = out.begin(TimelineFormat.FIGURE);
                json.writeStringField("name", figure[0]);
                json.writeStringField("value", figure[1]);
                out.end();
            }
        }
        final Timeline timeline = TimelineReader.read(file());
        TimelineReport.html(timeline, html(), TimelineReport.MIN_OUTAGE_MS_DEFAULT);
        TimelineReport.png(timeline, png(), TimelineReport.MIN_OUTAGE_MS_DEFAULT);
        return timeline;
    }
}
