package io.tandem.cli.timeline.plot;

import io.tandem.cli.timeline.Timeline;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.svg.SVGGraphics2D;
import org.jfree.svg.ViewBox;

import java.awt.geom.Rectangle2D;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;

/**
 * A timeline's report: one HTML page that stands alone (the chart inlined as SVG, no script, no outside resource)
 * with the chart, the figures the run measured, its outages and every event; and the chart as a PNG for a slide.
 * <pre>{@code
 * TimelineReport.html(TimelineReader.read(file), Path.of("report.html"));
 * }</pre>
 * Stateless; thread-safe (AWT's headless rendering).
 */
public final class TimelineReport
{
    /** Outages shorter than this are listed, not drawn. */
    public static final double MIN_OUTAGE_MS_DEFAULT = 50;

    static
    {
        // charts are drawn off screen: never look for a display (no effect once AWT has started)
        System.setProperty("java.awt.headless", "true");
    }

    private TimelineReport()
    {
    }

    public static void html(final Timeline timeline, final Path out, final double minOutageMs) throws IOException
    {
        final JFreeChart chart = TimelineChart.create(timeline, minOutageMs);
        final SVGGraphics2D svg = new SVGGraphics2D(TimelineChart.WIDTH, TimelineChart.HEIGHT);
        chart.draw(svg, new Rectangle2D.Double(0, 0, TimelineChart.WIDTH, TimelineChart.HEIGHT));
        final String chartSvg = svg.getSVGElement("chart", false,
            new ViewBox(0, 0, TimelineChart.WIDTH, TimelineChart.HEIGHT), null, null);

        final StringBuilder html = new StringBuilder(chartSvg.length() + 16_384);
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
            .append(escape(timeline.title())).append("</title>\n<style>\n")
            .append("body{font-family:'DejaVu Sans',Helvetica,Arial,sans-serif;margin:24px auto;max-width:1400px;")
            .append("color:#222;padding:0 16px}\n")
            .append("h1{font-size:1.6em;margin-bottom:.2em}\nh2{font-size:1.2em;margin-top:1.6em}\n")
            .append(".chart svg{width:100%;height:auto;border:1px solid #ddd}\n")
            .append("table{border-collapse:collapse;font-size:.92em}\n")
            .append("td,th{padding:3px 12px 3px 0;text-align:left;vertical-align:top}\n")
            .append("th{border-bottom:1px solid #999}\ntd.n{text-align:right;font-variant-numeric:tabular-nums}\n")
            .append("tr.outage td{color:#a93226}\n.note{color:#666;font-size:.85em}\ntd.s{white-space:nowrap}\n")
            .append("</style>\n</head>\n<body>\n<h1>").append(escape(timeline.title())).append("</h1>\n");
        html.append("<p class=\"note\">").append(escape(timeline.setting().isEmpty() ? "" : timeline.setting() + "; "))
            .append("started ").append(Instant.ofEpochMilli(timeline.startMs())).append("</p>\n");
        html.append("<div class=\"chart\">\n").append(chartSvg).append("\n</div>\n");
        figures(html, timeline);
        outages(html, timeline, minOutageMs);
        events(html, timeline);
        if (!timeline.summary().isEmpty())
        {
            html.append("<h2>Workload</h2>\n<p>").append(escape(timeline.summary())).append("</p>\n");
        }
        html.append("<p class=\"note\">Drawn by tandem plot from a tandem-timeline file. t is seconds since ")
            .append("the first interval; times are the host's wall clock, which the workload and both ")
            .append("controllers' event journals share. Throughput and latency are of the requests completed in ")
            .append("each interval of ").append(timeline.intervalMs()).append(" ms.</p>\n</body>\n</html>\n");
        Files.writeString(out, html, StandardCharsets.UTF_8);
    }

    public static void png(final Timeline timeline, final Path out, final double minOutageMs) throws IOException
    {
        final JFreeChart chart = TimelineChart.create(timeline, minOutageMs);
        try (OutputStream stream = Files.newOutputStream(out))
        {
            ChartUtils.writeChartAsPNG(stream, chart, TimelineChart.WIDTH, TimelineChart.HEIGHT);
        }
    }

    private static void figures(final StringBuilder html, final Timeline timeline)
    {
        if (timeline.figures().isEmpty())
        {
            return;
        }
        html.append("<h2>Figures</h2>\n<table>\n");
        for (final Timeline.Figure figure : timeline.figures())
        {
            html.append("<tr><td>").append(escape(figure.name())).append("</td><td>").append(escape(figure.value()))
                .append("</td></tr>\n");
        }
        html.append("</table>\n");
    }

    private static void outages(final StringBuilder html, final Timeline timeline, final double minOutageMs)
    {
        html.append("<h2>Outages</h2>\n");
        boolean any = false;
        for (final Timeline.Event event : timeline.events())
        {
            if (!event.isOutage())
            {
                continue;
            }
            if (!any)
            {
                html.append("<table>\n<tr><th>t (s)</th><th>length</th><th>what</th></tr>\n");
                any = true;
            }
            html.append("<tr").append(event.outageMs() >= minOutageMs ? " class=\"outage\"" : "").append(">")
                .append("<td class=\"n\">").append(seconds(timeline, event.timeMs())).append("</td>")
                .append("<td class=\"n\">").append(String.format(Locale.ROOT, "%.0f ms", event.outageMs()))
                .append("</td><td>").append(escape(ChartMarks.outageLabel(timeline, event))).append("</td></tr>\n");
        }
        html.append(any ? "</table>\n" : "<p>No time without a completed request was recorded.</p>\n");
    }

    private static void events(final StringBuilder html, final Timeline timeline)
    {
        html.append("<h2>Events</h2>\n<table>\n<tr><th>t (s)</th><th>source</th><th>event</th></tr>\n");
        for (final Timeline.Event event : timeline.events())
        {
            if (event.isOutage())
            {
                continue;
            }
            html.append("<tr><td class=\"n\">").append(seconds(timeline, event.timeMs()))
                .append("</td><td class=\"s\">").append(escape(event.source()))
                .append("</td><td>").append(escape(event.text()));
            if (null != event.label() && !event.text().contains(event.label()))
            {
                html.append(" <span class=\"note\">(").append(escape(event.label())).append(")</span>");
            }
            html.append("</td></tr>\n");
        }
        html.append("</table>\n");
    }

    private static String seconds(final Timeline timeline, final long timeMs)
    {
        return String.format(Locale.ROOT, "%.2f", (timeMs - timeline.startMs()) / 1000.0);
    }

    static String escape(final String text)
    {
        final StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            switch (c)
            {
                case '<': out.append("&lt;"); break;
                case '>': out.append("&gt;"); break;
                case '&': out.append("&amp;"); break;
                case '"': out.append("&quot;"); break;
                default: out.append(c); break;
            }
        }
        return out.toString();
    }
}
