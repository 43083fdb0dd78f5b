package io.tandem.cli.timeline;

import java.util.List;

/**
 * A timeline file as read back ({@link TimelineReader}): what its header says, its intervals in time order, its
 * events in time order, the figures it carries and the run's totals. Times are wall-clock ms since the epoch.
 * <p>
 * Immutable; thread-safe.
 *
 * @param title      what the timeline shows, for a chart's title: the header's {@code title}, or its source's name.
 * @param startMs    when the first interval starts.
 * @param intervalMs the length of an interval.
 * @param blockSize  bytes per request, 0 when not known.
 * @param setting    the workload's settings in words, for a subtitle ("" when the header has none).
 * @param intervals  the intervals, in time order.
 * @param events     the events of every source, in time order.
 * @param figures    name and value of each figure, in the order written.
 * @param summary    the run's totals in words, or "".
 */
public record Timeline(
    String title,
    long startMs,
    long intervalMs,
    int blockSize,
    String setting,
    List<Interval> intervals,
    List<Event> events,
    List<Figure> figures,
    String summary)
{
    /**
     * What completed in one interval; latencies in microseconds, NaN when nothing completed.
     */
    public record Interval(
        long timeMs,
        double durationMs,
        long reads,
        long writes,
        long readBytes,
        long writeBytes,
        double p50Us,
        double p99Us,
        double maxUs)
    {
        public double opsPerSecond(final long count)
        {
            return durationMs > 0 ? count * 1000.0 / durationMs : 0;
        }
    }

    /**
     * One event of any source.
     *
     * @param timeMs   when it happened (an outage: when it began).
     * @param source   {@code workload}, {@code controller-N}, {@code demo}, or what the file says.
     * @param type     its type ({@code RECONNECTED}, {@code ROLE_CHANGE}, {@code ACTION}, ...).
     * @param text     what happened, in words, for a table.
     * @param label    a short label for a chart, or null when the event is not marked on one.
     * @param rank     how much a chart should mark it: {@link #STORY} (what a demo did, a verification error),
     *                 {@link #MILESTONE} (a controller's role, path or disk change), {@link #CLIENT} (a
     *                 connection lost or back), or {@link #DETAIL} (listed, not marked).
     * @param phase    the part of a story it begins ("takeover", "giveback"), naming the outages that follow; or
     *                 null.
     * @param endMs    an outage's end; otherwise {@code timeMs}.
     * @param outageMs an outage's or a reconnect's length; otherwise NaN.
     */
    public record Event(
        long timeMs,
        String source,
        String type,
        String text,
        String label,
        int rank,
        String phase,
        long endMs,
        double outageMs)
    {
        public static final int STORY = 1;
        public static final int MILESTONE = 2;
        public static final int CLIENT = 3;
        public static final int DETAIL = 4;

        public boolean isOutage()
        {
            return TimelineFormat.OUTAGE.equals(type);
        }
    }

    /**
     * A figure the run measured, as its producer printed it ("kill -9 to serving", "612 ms").
     */
    public record Figure(String name, String value)
    {
    }
}
