package io.tandem.cli.timeline.plot;

import io.tandem.cli.timeline.Timeline;
import io.tandem.cli.timeline.TimelineFormat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a chart of a timeline marks: the events worth a label (a story's own steps when it has them, else the
 * controllers' role, path and disk changes and the client's lost connections and reconnects), and the outages, each
 * named after the step of the story it followed ("takeover: 612 ms outage") or the reconnect that ended it.
 * <p>
 * Immutable once built; thread-safe.
 */
public final class ChartMarks
{
    /**
     * A labelled instant, {@code seconds} after the timeline's start.
     */
    public record Mark(double seconds, String label)
    {
    }

    /**
     * An outage from {@code fromSeconds} to {@code toSeconds} after the timeline's start.
     */
    public record Span(double fromSeconds, double toSeconds, double outageMs, String label)
    {
    }

    /** A step of a story names the outages that begin up to this long after it... */
    private static final long PHASE_WINDOW_MS = 5_000;
    /** ... or this long before it: the step is recorded as it is done, and the clock is read in ms. */
    private static final long PHASE_SLACK_MS = 100;

    private final List<Mark> marks = new ArrayList<>();
    private final List<Span> outages = new ArrayList<>();

    public ChartMarks(final Timeline timeline, final double minOutageMs)
    {
        int rank = Timeline.Event.DETAIL;
        for (final Timeline.Event event : timeline.events())
        {
            if (null != event.label())
            {
                rank = Math.min(rank, event.rank());
            }
        }
        final boolean story = Timeline.Event.STORY == rank;
        for (final Timeline.Event event : timeline.events())
        {
            if (event.timeMs() < timeline.startMs())
            {
                continue; // before the first interval, off the chart: the table lists it
            }
            if (null != event.label() && (story ? event.rank() == Timeline.Event.STORY :
                event.rank() < Timeline.Event.DETAIL))
            {
                marks.add(new Mark(seconds(timeline, event.timeMs()), event.label()));
            }
            if (event.isOutage() && event.outageMs() >= minOutageMs)
            {
                outages.add(new Span(seconds(timeline, event.timeMs()), seconds(timeline, event.endMs()),
                    event.outageMs(), outageLabel(timeline, event)));
            }
        }
    }

    public List<Mark> marks()
    {
        return marks;
    }

    public List<Span> outages()
    {
        return outages;
    }

    /**
     * @return "PHASE: N ms outage", after the step of the story the outage began in (up to 5 s after it), or the
     * reconnect that ended it.
     */
    public static String outageLabel(final Timeline timeline, final Timeline.Event outage)
    {
        String phase = null;
        for (final Timeline.Event event : timeline.events())
        {
            if (event.timeMs() > outage.timeMs() + PHASE_SLACK_MS)
            {
                break;
            }
            if (null != event.phase() && event.timeMs() >= outage.timeMs() - PHASE_WINDOW_MS)
            {
                phase = event.phase();
            }
        }
        if (null == phase)
        {
            for (final Timeline.Event event : timeline.events())
            {
                if (event.timeMs() >= outage.timeMs() && event.timeMs() <= outage.endMs() + PHASE_SLACK_MS &&
                    (TimelineFormat.RECONNECTED.equals(event.type()) || TimelineFormat.FAILED_OVER.equals(event.type())))
                {
                    phase = TimelineFormat.RECONNECTED.equals(event.type()) ? "reconnect" : "failover";
                }
            }
        }
        final String length = String.format(Locale.ROOT, "%.0f ms outage", outage.outageMs());
        return null == phase ? length : phase + ": " + length;
    }

    private static double seconds(final Timeline timeline, final long timeMs)
    {
        return (timeMs - timeline.startMs()) / 1000.0;
    }
}
