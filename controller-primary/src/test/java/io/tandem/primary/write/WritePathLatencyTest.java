package io.tandem.primary.write;

import io.prometheus.metrics.model.snapshots.ClassicHistogramBucket;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.tandem.controller.metrics.IoLatency;
import io.tandem.controller.metrics.MetricsWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The write path times each request by operation, from its submit to its completion, on its stepped clock, and
 * the latency comes out as a Prometheus histogram with fixed buckets: a write that became durable 4 ms after its
 * submit lands in the 2.5-5 ms bucket, and reads, flushes, trims and zeroes are counted under their own operation.
 */
class WritePathLatencyTest
{
    @TempDir
    Path dir;

    @Test
    void eachOperationIsTimedFromSubmitToCompletion() throws Exception
    {
        final IoLatency latency = new IoLatency();
        final List<Long> completed = new ArrayList<>();
        try (WritePathParts parts = new WritePathParts(dir))
        {
            final WritePath writePath = new WritePath(parts.log, parts.sender(1), parts.cache, why -> {},
                () -> parts.nowNs, 16, 1, 1, (token, status, context) -> completed.add(token));
            writePath.runWithoutMirror(1); // no partner: a write completes once durable in this NVLog
            writePath.latency(latency);

            writePath.write(1, 0, ByteBuffer.wrap(new byte[WritePathParts.PAGE]), null);
            parts.nowNs += 3_000_000; // the write waits 3 ms before its first step
            while (!completed.contains(1L))
            {
                parts.step(writePath);
            }
            writePath.read(2, 0, ByteBuffer.allocate(WritePathParts.PAGE), null);
            writePath.flush(3, null);
            writePath.trim(4, 0, WritePathParts.PAGE, null); // a whole block: logged as a hole, timed as a trim
            writePath.writeZeroes(5, WritePathParts.PAGE, WritePathParts.PAGE, false, null);
            while (!completed.contains(4L) || !completed.contains(5L))
            {
                parts.step(writePath);
            }
        }

        final MetricsWriter out = new MetricsWriter();
        latency.write(out);
        final HistogramSnapshot histogram = histogram(out);
        final HistogramSnapshot.HistogramDataPointSnapshot write = op(histogram, "write");
        assertEquals(1, write.getCount());
        assertEquals(1, countBetween(write, 0.0025, 0.005), "4 ms after its submit, in (2.5 ms, 5 ms]");
        // 3 ms before its first step, and the step (1 ms on the clock) in which the log reports it durable
        assertEquals(0.004, write.getSum(), 0.004 * 0.01, "the histogram's sum, within its 1% precision");
        for (final String op : new String[] {"read", "flush", "trim", "write_zeroes"})
        {
            assertEquals(1, op(histogram, op).getCount(), op);
        }
        assertEquals(1, countBetween(op(histogram, "read"), 0, 0.000025), "the clock did not move while it read");

        final MetricsWriter again = new MetricsWriter();
        latency.write(again);
        assertEquals(1, op(histogram(again), "write").getCount(), "a second scrape counts what the first did");
    }

    private static HistogramSnapshot histogram(final MetricsWriter out)
    {
        for (final MetricSnapshot snapshot : out.snapshots())
        {
            if (snapshot.getMetadata().getName().equals("tandem_nbd_request_duration_seconds"))
            {
                return (HistogramSnapshot)snapshot;
            }
        }
        throw new AssertionError("no latency histogram");
    }

    private static HistogramSnapshot.HistogramDataPointSnapshot op(final HistogramSnapshot histogram, final String op)
    {
        return histogram.getDataPoints().stream().filter(point -> op.equals(point.getLabels().get("op")))
            .findFirst().orElseThrow();
    }

    private static long countBetween(
        final HistogramSnapshot.HistogramDataPointSnapshot point, final double above, final double upTo)
    {
        long count = 0;
        for (final ClassicHistogramBucket bucket : point.getClassicBuckets())
        {
            if (bucket.getUpperBound() > above && bucket.getUpperBound() <= upTo)
            {
                count += bucket.getCount();
            }
        }
        return count;
    }
}
