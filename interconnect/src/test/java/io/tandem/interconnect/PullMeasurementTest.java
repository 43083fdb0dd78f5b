package io.tandem.interconnect;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Measures, not asserts: how long the sender takes to declare a pulled path down, the longest stall of
 * acknowledged throughput around the pull (of all streams together, and of a single stream: the pulled path's
 * streams wait for the detection), and how long a restored path takes to come back. 4 KiB records on
 * two paths with the default path timeout; figures are printed ("PullMeasurement:") and copied to
 * bench/README.md.
 */
class PullMeasurementTest
{
    private static final int STREAMS = 4;
    private static final int TRIALS = 4;

    private long lastAckNs;
    private long longestGapNs;
    private final long[] lastStreamAckNs = new long[STREAMS];
    private long longestStreamGapNs;
    private long ackedRecords;
    private final long[] ackedSequence = new long[STREAMS];

    @Test
    void measureDetectionAndStall()
    {
        final CheckingSink sink = new CheckingSink(STREAMS);
        try (AeronDirs dirs = new AeronDirs())
        {
            final int port = TestContexts.nextPortBase();
            try (InterconnectEndpoint secondary = InterconnectEndpoint.launchReceiver(
                TestContexts.context(dirs.base, "secondary", port, 2).recordSink(sink));
                InterconnectEndpoint primary = InterconnectEndpoint.launchSender(
                    TestContexts.context(dirs.base, "primary", port, 2).ackHandler(this::onAcked)))
            {
                sink.markDurableWith(secondary.receiver());
                final MirrorSender sender = primary.sender();
                final long pathTimeoutMs = TimeUnit.NANOSECONDS.toMillis(primary.context().pathTimeoutNs());
                OrderingUnderFireTest.awaitAllPathsUp(primary);
                final UnsafeBuffer record = new UnsafeBuffer(new byte[4096]);
                final int[] streamCursor = new int[1];

                flow(primary, record, streamCursor, TimeUnit.MILLISECONDS.toNanos(500), -1);
                for (int trial = 0; trial < TRIALS; trial++)
                {
                    final int path = trial % 2;
                    flow(primary, record, streamCursor, TimeUnit.MILLISECONDS.toNanos(300), -1);
                    longestGapNs = 0;
                    longestStreamGapNs = 0;
                    final long recordsBefore = ackedRecords;
                    final long pullNs = System.nanoTime();
                    primary.pull(path);
                    final long detectedNs = flow(primary, record, streamCursor, TimeUnit.MILLISECONDS.toNanos(1200),
                        path);
                    final long stallNs = longestGapNs;
                    final long streamStallNs = longestStreamGapNs;
                    final long throughput = ackedRecords - recordsBefore;
                    primary.restore(path);
                    final long restoreNs = System.nanoTime();
                    final long backNs = awaitPath(primary, record, streamCursor, path);
                    System.out.printf("PullMeasurement: pull path %d: detected after %d ms (path timeout %d ms), " +
                        "longest stall of all acks %.1f ms, of one stream's acks %.1f ms, " +
                        "%d records acked in the 1.2 s after the pull, " +
                        "back %d ms after restore%n",
                        path,
                        TimeUnit.NANOSECONDS.toMillis(detectedNs - pullNs),
                        pathTimeoutMs,
                        stallNs / 1e6,
                        streamStallNs / 1e6,
                        throughput,
                        TimeUnit.NANOSECONDS.toMillis(backNs - restoreNs));
                    assertTrue(detectedNs > 0, "pulled path never declared down");
                }

                final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (!sender.isIdle())
                {
                    primary.invoker().invoke();
                    assertTrue(System.nanoTime() < deadlineNs);
                }
                assertNull(sink.firstError());
            }
        }
    }

    private void onAcked(final int stream, final long sequence)
    {
        final long nowNs = System.nanoTime();
        if (lastAckNs != 0)
        {
            longestGapNs = Math.max(longestGapNs, nowNs - lastAckNs);
        }
        lastAckNs = nowNs;
        longestStreamGapNs = Math.max(longestStreamGapNs, nowNs - lastStreamAckNs[stream]);
        lastStreamAckNs[stream] = nowNs;
        ackedRecords += sequence - ackedSequence[stream];
        ackedSequence[stream] = sequence;
    }

    /**
     * Offers records for {@code durationNs}.
     *
     * @return when {@code watchedPath} was first seen down, or 0.
     */
    private long flow(
        final InterconnectEndpoint primary,
        final UnsafeBuffer record,
        final int[] streamCursor,
        final long durationNs,
        final int watchedPath)
    {
        final MirrorSender sender = primary.sender();
        final long endNs = System.nanoTime() + durationNs;
        long downNs = 0;
        lastAckNs = System.nanoTime();
        Arrays.fill(lastStreamAckNs, lastAckNs);
        while (System.nanoTime() < endNs)
        {
            final int stream = streamCursor[0];
            final long sequence = sender.nextSequence(stream);
            Payloads.encode(record, stream, sequence, record.capacity());
            sender.offer(stream, sequence, record, 0, record.capacity());
            streamCursor[0] = (stream + 1) % STREAMS;
            primary.invoker().invoke();
            if (watchedPath >= 0 && 0 == downNs && (sender.liveMask() & (1 << watchedPath)) == 0)
            {
                downNs = System.nanoTime();
            }
        }
        return downNs;
    }

    private long awaitPath(
        final InterconnectEndpoint primary, final UnsafeBuffer record, final int[] streamCursor, final int path)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((primary.sender().liveMask() & (1 << path)) == 0)
        {
            flow(primary, record, streamCursor, 0, -1);
            primary.invoker().invoke();
            assertTrue(System.nanoTime() < deadlineNs, "restored path did not come back");
        }
        return System.nanoTime();
    }
}
