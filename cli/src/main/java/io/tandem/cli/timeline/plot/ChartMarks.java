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
     * An outage from {@code fromSeconds} to {@code toSeconds} after the timeline's start; its label is null when it
     * is shaded only, not the longest of its phase.
     */
    public record Span(double fromSeconds, double toSeconds, double outageMs, String label)
    {
    }

    /** Outages of no phase labelled on a chart without a story: the longest ones. */
    private static final int UNNAMED_LABELLED = 3;
    /** A phase names the outages that begin up to this long after its last step... */
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
        keepLabelsOfTheLongest(story);
    }

    /**
     * A chart names the longest outage of each phase (a takeover's), and without a story the few longest of none;
     * the others are shaded without a label, so that a phase full of short stalls does not bury the chart in words.
     */
    private void keepLabelsOfTheLongest(final boolean story)
    {
        final java.util.Map<String, List<Span>> byPhase = new java.util.HashMap<>();
        for (final Span span : outages)
        {
            final int colon = span.label().indexOf(": ");
            byPhase.computeIfAbsent(colon < 0 ? "" : span.label().substring(0, colon), key -> new ArrayList<>())
                .add(span);
        }
        final java.util.Set<Span> labelled = new java.util.HashSet<>();
        byPhase.forEach((phase, spans) ->
        {
            spans.sort(java.util.Comparator.comparingDouble(Span::outageMs).reversed());
            final int named = phase.isEmpty() ? story ? 0 : UNNAMED_LABELLED : 1;
            labelled.addAll(spans.subList(0, Math.min(spans.size(), named)));
        });
        outages.replaceAll(span -> labelled.contains(span) ? span :
            new Span(span.fromSeconds(), span.toSeconds(), span.outageMs(), null));
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
     * @return "PHASE: N ms outage", after the phase of the story the outage began in (up to 5 s after the phase's
     * last step), or the reconnect that ended it.
     */
    public static String outageLabel(final Timeline timeline, final Timeline.Event outage)
    {
        String phase = null;
        long lastStepMs = Long.MIN_VALUE;
        for (final Timeline.Event event : timeline.events())
        {
            if (event.timeMs() > outage.timeMs() + PHASE_SLACK_MS)
            {
                break;
            }
            if (Timeline.Event.STORY == event.rank())
            {
                lastStepMs = event.timeMs(); // a step that ends a phase ("resynced") keeps its name a while longer
                phase = null != event.phase() ? event.phase() : phase;
            }
        }
        if (outage.timeMs() - lastStepMs > PHASE_WINDOW_MS)
        {
            phase = null;
        }
        if (null == phase)
        {
            for (final Timeline.Event event : timeline.events())
            {
                if (event.timeMs() >= outage.timeMs() && event.timeMs() <= outage.endMs() + PHASE_SLACK_MS &&
                    (TimelineFormat.RECONNECTED.equals(event.type()) ||
                        TimelineFormat.FAILED_OVER.equals(event.type())))
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
