package io.tandem.controller.metrics;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

/**
 * The latency of the volume's requests by operation, from the volume's submit to its completion: recorded by the
 * controller's agent into one HdrHistogram {@link SingleWriterRecorder} per operation (wait-free, allocation-free:
 * the agent never waits for a scrape), and read on the scraping thread, which swaps out each interval histogram,
 * adds it to a running total, and writes the total as a Prometheus histogram with fixed buckets
 * ({@link #BUCKET_BOUNDS_SECONDS}).
 * <p>
 * Kept by the process across role changes, so the histogram counts every request the process served. One role's
 * agent records at a time (the roles run one after another), as a single-writer recorder needs.
 * <p>
 * Thread-safe as described: {@link #record} on the one agent thread; {@link #write} from any thread.
 */
public final class IoLatency
{
    /** The histogram's buckets, in seconds: 25 us to 10 s, and everything above. */
    public static final double[] BUCKET_BOUNDS_SECONDS = {
        0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
        5, 10, Double.POSITIVE_INFINITY};

    /** The longest latency told apart, in microseconds; longer ones count as this. */
    static final long HIGHEST_US = 60_000_000L;
    /** Values within 1% are told apart: far finer than the buckets, at a tenth of the memory of 0.1%. */
    static final int DIGITS = 2;

    private final SingleWriterRecorder[] recorders = new SingleWriterRecorder[IoOp.all().length];
    private final Histogram[] totals = new Histogram[IoOp.all().length];
    private final Histogram[] intervals = new Histogram[IoOp.all().length];

    public IoLatency()
    {
        for (int op = 0; op < recorders.length; op++)
        {
            recorders[op] = new SingleWriterRecorder(HIGHEST_US, DIGITS);
            totals[op] = new Histogram(HIGHEST_US, DIGITS);
        }
    }

    /**
     * Records one request of {@code op} that took {@code nanos}: on the agent, allocating nothing.
     */
    public void record(final IoOp op, final long nanos)
    {
        recorders[op.ordinal()].recordValue(Math.min(HIGHEST_US, Math.max(0, nanos / 1000)));
    }

    /**
     * Writes {@code tandem_nbd_request_duration_seconds} by operation, everything recorded so far.
     */
    public synchronized void write(final MetricsWriter out)
    {
        final long[] counts = new long[BUCKET_BOUNDS_SECONDS.length];
        for (final IoOp op : IoOp.all())
        {
            final int index = op.ordinal();
            intervals[index] = recorders[index].getIntervalHistogram(intervals[index]);
            final Histogram total = totals[index];
            total.add(intervals[index]);
            long below = 0;
            for (int bucket = 0; bucket < counts.length; bucket++)
            {
                final double bound = BUCKET_BOUNDS_SECONDS[bucket];
                final long upTo = Double.isInfinite(bound) ? total.getTotalCount() :
                    total.getCountBetweenValues(0, (long)(bound * 1_000_000));
                counts[bucket] = upTo - below;
                below = upTo;
            }
            final double sumSeconds = total.getTotalCount() * total.getMean() / 1_000_000.0;
            out.histogram("tandem_nbd_request_duration_seconds", "Time from the volume's submit of a client's " +
                "request to its completion, by operation (a write: durable on both controllers)",
                BUCKET_BOUNDS_SECONDS, counts, sumSeconds, "op", op.label());
        }
    }
}
