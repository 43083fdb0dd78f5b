package io.tandem.cli.timeline.plot;

import io.tandem.cli.timeline.Timeline;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.plot.SeriesRenderingOrder;
import org.jfree.chart.renderer.xy.XYAreaRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Rectangle;
import java.awt.font.FontRenderContext;
import java.text.DecimalFormat;
import java.text.NumberFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The chart of a timeline, for a slide: a strip of labelled events and outages over two aligned panels on one time
 * axis, throughput (writes and reads stacked, ops/s on the left, MB/s on the right) and latency (p99 and p50 of the
 * requests completed in each interval, ms on a log axis), with outages shaded and events marked through both.
 * <p>
 * Not thread-safe: builds one chart.
 */
public final class TimelineChart
{
    public static final int WIDTH = 1600;
    public static final int HEIGHT = 900;

    static final Color WRITES = new Color(0x3A6EA5);
    static final Color READS = new Color(0x9CC3E6);
    static final Color P99 = new Color(0xC0392B);
    static final Color P50 = new Color(0x7F8C8D);
    static final Color OUTAGE = new Color(0xE74C3C);
    static final Color MARK = new Color(0x34495E);

    private static final String FONT = "SansSerif";
    private static final Font TITLE_FONT = new Font(FONT, Font.BOLD, 28);
    private static final Font SUBTITLE_FONT = new Font(FONT, Font.PLAIN, 17);
    private static final Font AXIS_FONT = new Font(FONT, Font.PLAIN, 19);
    private static final Font TICK_FONT = new Font(FONT, Font.PLAIN, 16);
    private static final Font LABEL_FONT = new Font(FONT, Font.PLAIN, 15);
    private static final Font OUTAGE_FONT = new Font(FONT, Font.BOLD, 15);
    private static final int MAX_ROWS = 8;
    private static final double ROW_PX = 23;
    /** Room the axes take on each side of the plot area, as estimated for laying out the labels. */
    private static final double LEFT_PX = 105;
    private static final double RIGHT_PX = 95;

    private TimelineChart()
    {
    }

    /**
     * @param minOutageMs outages shorter than this are neither shaded nor labelled.
     */
    public static JFreeChart create(final Timeline timeline, final double minOutageMs)
    {
        final ChartMarks marks = new ChartMarks(timeline, minOutageMs);
        final double endSeconds = endSeconds(timeline, marks);
        final NumberAxis time = new NumberAxis("time since the workload started (s)");
        style(time);
        time.setRange(0, endSeconds);
        time.setLowerMargin(0);
        time.setUpperMargin(0);

        final XYPlot strip = new XYPlot(null, null, new NumberAxis(), null);
        final int rows = labels(strip, marks, endSeconds);
        strip.getRangeAxis().setVisible(false);
        strip.getRangeAxis().setRange(0, rows);
        strip.setRangeGridlinesVisible(false);
        strip.setDomainGridlinesVisible(false);
        strip.setOutlineVisible(false);
        strip.setBackgroundPaint(Color.WHITE);

        final XYPlot throughput = throughput(timeline);
        final XYPlot latency = latency(timeline);
        for (final XYPlot plot : List.of(strip, throughput, latency))
        {
            for (final ChartMarks.Mark mark : marks.marks())
            {
                plot.addDomainMarker(new ValueMarker(mark.seconds(), MARK, new BasicStroke(1.2f, BasicStroke.CAP_BUTT,
                    BasicStroke.JOIN_MITER, 10, new float[] {5, 4}, 0)), Layer.FOREGROUND);
            }
            for (final ChartMarks.Span outage : marks.outages())
            {
                plot.addDomainMarker(outageMarker(outage, plot == strip), Layer.BACKGROUND);
            }
        }

        final CombinedDomainXYPlot combined = new CombinedDomainXYPlot(time);
        combined.setGap(10);
        final double plotsPx = HEIGHT - 250;
        final int stripPx = (int)(rows * ROW_PX + 8);
        combined.add(strip, stripPx);
        combined.add(throughput, (int)((plotsPx - stripPx) * 0.55));
        combined.add(latency, (int)((plotsPx - stripPx) * 0.45));
        combined.setFixedLegendItems(legend());

        final JFreeChart chart = new JFreeChart(timeline.title(), TITLE_FONT, combined, true);
        chart.setBackgroundPaint(Color.WHITE);
        chart.setPadding(new RectangleInsets(10, 16, 10, 16));
        final List<String> subtitle = new ArrayList<>();
        if (!timeline.setting().isEmpty())
        {
            subtitle.add(timeline.setting());
        }
        subtitle.add("shaded: times in which no request completed");
        final TextTitle sub = new TextTitle(String.join("  \u00b7  ", subtitle), SUBTITLE_FONT);
        sub.setPaint(Color.DARK_GRAY);
        chart.addSubtitle(sub);
        final LegendTitle legend = chart.getLegend();
        legend.setItemFont(TICK_FONT);
        legend.setPosition(RectangleEdge.BOTTOM);
        legend.setFrame(org.jfree.chart.block.BlockBorder.NONE);
        return chart;
    }

    private static XYPlot throughput(final Timeline timeline)
    {
        // reads stacked on writes, drawn as the total behind the writes: each a single shape, without seams
        final XYSeries total = new XYSeries("reads", false, false);
        final XYSeries writes = new XYSeries("writes", false, false);
        double top = 1;
        for (final Timeline.Interval interval : timeline.intervals())
        {
            final double x = middle(timeline, interval);
            final double w = interval.opsPerSecond(interval.writes());
            final double r = interval.opsPerSecond(interval.reads());
            total.add(x, w + r);
            writes.add(x, w);
            top = Math.max(top, w + r);
        }
        final XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(total);
        data.addSeries(writes);
        final XYAreaRenderer renderer = new XYAreaRenderer(XYAreaRenderer.AREA);
        renderer.setSeriesPaint(0, READS);
        renderer.setSeriesPaint(1, WRITES);

        final NumberAxis ops = new NumberAxis("throughput (ops/s)");
        style(ops);
        final NumberFormat compact = NumberFormat.getCompactNumberInstance(Locale.US, NumberFormat.Style.SHORT);
        compact.setMaximumFractionDigits(1);
        ops.setNumberFormatOverride(compact);
        ops.setRange(0, top * 1.08);
        final XYPlot plot = new XYPlot(data, null, ops, renderer);
        plot.setSeriesRenderingOrder(SeriesRenderingOrder.FORWARD);
        if (timeline.blockSize() > 0)
        {
            final NumberAxis megabytes = new NumberAxis("MB/s");
            style(megabytes);
            megabytes.setRange(0, top * 1.08 * timeline.blockSize() / 1e6);
            plot.setRangeAxis(1, megabytes);
        }
        grid(plot);
        return plot;
    }

    private static XYPlot latency(final Timeline timeline)
    {
        final XYSeries p99 = new XYSeries("p99", false, true);
        final XYSeries p50 = new XYSeries("p50", false, true);
        double low = Double.MAX_VALUE;
        double high = 0;
        for (final Timeline.Interval interval : timeline.intervals())
        {
            final double x = middle(timeline, interval);
            p99.add(x, interval.p99Us() / 1000);
            p50.add(x, interval.p50Us() / 1000);
            if (!Double.isNaN(interval.p99Us()))
            {
                low = Math.min(low, Math.max(interval.p50Us() / 1000, 0.001));
                high = Math.max(high, interval.p99Us() / 1000);
            }
        }
        final XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(p99);
        data.addSeries(p50);
        final XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        renderer.setSeriesPaint(0, P99);
        renderer.setSeriesStroke(0, new BasicStroke(2.4f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        renderer.setSeriesPaint(1, P50);
        renderer.setSeriesStroke(1, new BasicStroke(1.4f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));

        final LogAxis ms = new LogAxis("latency (ms)");
        style(ms);
        ms.setBase(10);
        ms.setSmallestValue(1e-3);
        ms.setTickUnit(new NumberTickUnit(1));
        ms.setNumberFormatOverride(new DecimalFormat("#,##0.###"));
        ms.setMinorTickMarksVisible(true);
        ms.setMinorTickCount(9);
        ms.setLowerMargin(0);
        ms.setUpperMargin(0);
        if (high > 0)
        {
            // a little below the decade under the lowest p50, so that decade's label shows
            ms.setRange(Math.pow(10, Math.floor(Math.log10(low)) - 0.08),
                Math.pow(10, Math.ceil(Math.log10(high * 1.5))));
        }
        final XYPlot plot = new XYPlot(data, null, ms, renderer);
        grid(plot);
        return plot;
    }

    /**
     * Puts the labels of the events and outages in the strip, in as many rows as they need not to overlap.
     *
     * @return the rows used.
     */
    private static int labels(final XYPlot strip, final ChartMarks marks, final double endSeconds)
    {
        record Label(double seconds, String text, boolean outage)
        {
        }
        final List<Label> labels = new ArrayList<>();
        marks.marks().forEach(mark -> labels.add(new Label(mark.seconds(), mark.label(), false)));
        for (final ChartMarks.Span outage : marks.outages())
        {
            if (null != outage.label())
            {
                labels.add(new Label(outage.fromSeconds(), outage.label(), true));
            }
        }
        labels.sort(java.util.Comparator.comparingDouble(Label::seconds));

        final FontRenderContext metrics = new FontRenderContext(null, true, true);
        final double areaPx = WIDTH - LEFT_PX - RIGHT_PX;
        final LabelRows rows = new LabelRows(MAX_ROWS, 14);
        final int[] placed = new int[labels.size()];
        final boolean[] leftOfLine = new boolean[labels.size()];
        for (int i = 0; i < labels.size(); i++)
        {
            final Label label = labels.get(i);
            final double x = label.seconds() / endSeconds * areaPx;
            final double width = (label.outage() ? OUTAGE_FONT : LABEL_FONT).getStringBounds(label.text(), metrics)
                .getWidth() + 8;
            leftOfLine[i] = x + width > areaPx; // near the right edge: the label ends at its line
            placed[i] = leftOfLine[i] ? rows.place(x - width, x) : rows.place(x, x + width);
        }
        final int used = Math.max(1, rows.used());
        for (int i = 0; i < labels.size(); i++)
        {
            final Label label = labels.get(i);
            if (placed[i] < 0)
            {
                continue; // no room left among the rows there: the report's tables list it
            }
            final XYTextAnnotation text = new XYTextAnnotation(" " + label.text() + " ", label.seconds(),
                used - placed[i] - 0.5);
            text.setFont(label.outage() ? OUTAGE_FONT : LABEL_FONT);
            text.setPaint(label.outage() ? OUTAGE.darker() : MARK);
            text.setTextAnchor(leftOfLine[i] ? TextAnchor.CENTER_RIGHT : TextAnchor.CENTER_LEFT);
            text.setBackgroundPaint(Color.WHITE);
            text.setOutlineVisible(false);
            strip.addAnnotation(text);
        }
        return used;
    }

    private static IntervalMarker outageMarker(final ChartMarks.Span outage, final boolean strip)
    {
        final IntervalMarker marker = new IntervalMarker(outage.fromSeconds(), outage.toSeconds());
        marker.setPaint(OUTAGE);
        marker.setAlpha(strip ? 0.12f : 0.22f);
        return marker;
    }

    private static LegendItemCollection legend()
    {
        final LegendItemCollection items = new LegendItemCollection();
        items.add(new LegendItem("writes (ops/s)", WRITES));
        items.add(new LegendItem("reads (ops/s)", READS));
        items.add(line("p99 latency", P99, 3f));
        items.add(line("p50 latency", P50, 1.5f));
        items.add(new LegendItem("no request completed", new Color(OUTAGE.getRed(), OUTAGE.getGreen(),
            OUTAGE.getBlue(), 70)));
        return items;
    }

    private static LegendItem line(final String label, final Color color, final float width)
    {
        return new LegendItem(label, null, null, null, false, new Rectangle(0, 0, 0, 0), false, color, false,
            color, new BasicStroke(width), true, new java.awt.geom.Line2D.Double(-9, 0, 9, 0),
            new BasicStroke(width), color);
    }

    private static void style(final org.jfree.chart.axis.ValueAxis axis)
    {
        axis.setLabelFont(AXIS_FONT);
        axis.setTickLabelFont(TICK_FONT);
        axis.setLabelPaint(Color.DARK_GRAY);
        axis.setTickLabelPaint(Color.DARK_GRAY);
    }

    private static void grid(final XYPlot plot)
    {
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(new Color(0xDDDDDD));
        plot.setDomainGridlinePaint(new Color(0xEEEEEE));
        plot.setRangeGridlineStroke(new BasicStroke(1f));
        plot.setDomainGridlineStroke(new BasicStroke(1f));
        plot.setOutlinePaint(new Color(0xBBBBBB));
    }

    private static double middle(final Timeline timeline, final Timeline.Interval interval)
    {
        return (interval.timeMs() - timeline.startMs() + interval.durationMs() / 2) / 1000.0;
    }

    private static double endSeconds(final Timeline timeline, final ChartMarks marks)
    {
        double end = 1;
        for (final Timeline.Interval interval : timeline.intervals())
        {
            end = Math.max(end, (interval.timeMs() - timeline.startMs() + interval.durationMs()) / 1000.0);
        }
        for (final ChartMarks.Mark mark : marks.marks())
        {
            end = Math.max(end, mark.seconds());
        }
        return end;
    }
}
