package io.tandem.cli.workload;

import com.fasterxml.jackson.core.JsonGenerator;
import io.tandem.cli.timeline.TimelineFormat;
import io.tandem.cli.timeline.TimelineWriter;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * A workload's timeline ({@link TimelineFormat}): every {@link WorkloadContext#timelineIntervalNs()} the requests
 * completed in the interval (counts and rates by kind, latency percentiles from interval histograms, requests lost,
 * I/O and verification errors), and the events the workload saw (connections lost, reconnects and failovers with
 * their outage, times without a completion, verification errors).
 * <p>
 * Counts are taken from {@link WorkloadStats} as differences at each interval's end, so the intervals add up to
 * the run's totals; only latencies are recorded per request, into histograms, without allocating. Writing a line
 * allocates, once an interval. The first write error stops the recording and is kept for the report.
 * <p>
 * Not thread-safe: the workload's one thread.
 */
final class WorkloadTimeline
{
    private final WorkloadContext ctx;
    private final WorkloadStats stats;
    private final VerificationLog verification;
    private final TimelineWriter out;
    private final long intervalNs;
    private final Histogram readLatency = new Histogram(WorkloadStats.HIGHEST_LATENCY_NS, 3);
    private final Histogram writeLatency = new Histogram(WorkloadStats.HIGHEST_LATENCY_NS, 3);
    private final Histogram allLatency = new Histogram(WorkloadStats.HIGHEST_LATENCY_NS, 3);

    private long startNs;
    private long startMs;
    private long intervalStartNs;
    private long intervalEndNs = Long.MAX_VALUE;
    private long reads;
    private long writes;
    private long bytesRead;
    private long bytesWritten;
    private long lost;
    private long ioErrors;
    private long verifyErrors;
    private WorkloadConnection[] connections;
    private boolean runEnded;
    private IOException error;

    WorkloadTimeline(
        final WorkloadContext ctx,
        final WorkloadStats stats,
        final VerificationLog verification,
        final TimelineWriter out)
    {
        this.ctx = ctx;
        this.stats = stats;
        this.verification = verification;
        this.out = out;
        this.intervalNs = ctx.timelineIntervalNs();
    }

    /**
     * The run starts at {@code nowNs}, which is {@code nowMs} on the wall clock: writes the header.
     */
    void start(final long nowNs, final long nowMs, final long span, final WorkloadConnection[] connections)
    {
        startNs = nowNs;
        startMs = nowMs;
        intervalStartNs = nowNs;
        intervalEndNs = nowNs + intervalNs;
        this.connections = connections;
        try
        {
            final JsonGenerator json = out.begin(TimelineFormat.HEADER);
            json.writeStringField("format", TimelineFormat.FORMAT);
            json.writeNumberField("version", TimelineFormat.VERSION);
            json.writeStringField("source", TimelineFormat.SOURCE_WORKLOAD);
            if (null != ctx.timelineTitle())
            {
                json.writeStringField("title", ctx.timelineTitle());
            }
            json.writeStringField("clock", "epoch_ms");
            json.writeNumberField("start_ms", startMs);
            json.writeNumberField("interval_ms", TimeUnit.NANOSECONDS.toMillis(intervalNs));
            json.writeArrayFieldStart("targets");
            for (final InetSocketAddress target : ctx.targets())
            {
                json.writeString(WorkloadReport.format(target));
            }
            json.writeEndArray();
            json.writeNumberField("block_size", ctx.blockSize());
            json.writeNumberField("queue_depth", ctx.queueDepth());
            json.writeNumberField("connections", ctx.connections());
            json.writeNumberField("read_percent", ctx.readPercent());
            json.writeNumberField("span", span);
            json.writeNumberField("seed", ctx.seed());
            out.end();
        }
        catch (final IOException ex)
        {
            fail(ex);
        }
    }

    /**
     * Writes every interval that ended by {@code nowNs}; called before a completion at {@code nowNs} is counted.
     */
    void advance(final long nowNs)
    {
        while (nowNs >= intervalEndNs)
        {
            interval(intervalEndNs);
            intervalStartNs = intervalEndNs;
            intervalEndNs += intervalNs;
        }
    }

    void read(final long latencyNs)
    {
        readLatency.recordValue(Math.min(Math.max(latencyNs, 0), WorkloadStats.HIGHEST_LATENCY_NS));
    }

    void write(final long latencyNs)
    {
        writeLatency.recordValue(Math.min(Math.max(latencyNs, 0), WorkloadStats.HIGHEST_LATENCY_NS));
    }

    /**
     * The run (issue and drain) ended at {@code endNs}: writes the intervals up to it, the last one shorter.
     */
    void endRun(final long endNs)
    {
        if (runEnded || Long.MAX_VALUE == intervalEndNs)
        {
            return;
        }
        advance(endNs);
        if (endNs > intervalStartNs)
        {
            interval(endNs);
        }
        runEnded = true;
        intervalEndNs = Long.MAX_VALUE; // no interval after the run's end: verification reads are not the run's
    }

    boolean started()
    {
        return null != connections;
    }

    void connectionLost(final long nowNs, final int connection, final InetSocketAddress from, final String cause)
    {
        if (null != error)
        {
            return;
        }
        try
        {
            final JsonGenerator json = event(nowNs, TimelineFormat.CONNECTION_LOST);
            json.writeNumberField("connection", connection);
            json.writeStringField("target", WorkloadReport.format(from));
            json.writeStringField("detail", cause);
            out.end();
        }
        catch (final IOException ex)
        {
            fail(ex);
        }
    }

    void served(final long nowNs, final Failover failover)
    {
        if (null != error)
        {
            return;
        }
        try
        {
            final JsonGenerator json =
                event(nowNs, failover.reconnect() ? TimelineFormat.RECONNECTED : TimelineFormat.FAILED_OVER);
            json.writeNumberField("connection", failover.connection());
            json.writeStringField("from", WorkloadReport.format(failover.from()));
            json.writeStringField("to", WorkloadReport.format(failover.to()));
            TimelineWriter.number(json, "outage_ms", failover.durationNs() / 1e6, 1);
            json.writeNumberField("attempts", failover.attempts());
            json.writeStringField("detail", failover.cause());
            out.end();
        }
        catch (final IOException ex)
        {
            fail(ex);
        }
    }

    /**
     * No request completed from {@code fromNs} to {@code toNs}; {@code ended} is false for one still going on when
     * the run stopped.
     */
    void outage(final long fromNs, final long toNs, final boolean ended)
    {
        if (null != error)
        {
            return;
        }
        try
        {
            final JsonGenerator json = event(fromNs, TimelineFormat.OUTAGE);
            json.writeNumberField("end_ms", epochMs(toNs));
            TimelineWriter.number(json, "outage_ms", (toNs - fromNs) / 1e6, 1);
            json.writeBooleanField("ended", ended);
            out.end();
        }
        catch (final IOException ex)
        {
            fail(ex);
        }
    }

    void verifyError(final long nowNs, final String detail)
    {
        if (null != error)
        {
            return;
        }
        try
        {
            event(nowNs, TimelineFormat.VERIFY_ERROR).writeStringField("detail", detail);
            out.end();
        }
        catch (final IOException ex)
        {
            fail(ex);
        }
    }

    /**
     * Writes the run's totals: the sums of the intervals' counts.
     */
    void summary(final long nowNs, final WorkloadOutcome outcome, final String message, final int failovers)
    {
        if (null != error)
        {
            return;
        }
        try
        {
            final JsonGenerator json = out.begin(TimelineFormat.SUMMARY);
            json.writeNumberField("time_ms", epochMs(nowNs));
            TimelineWriter.number(json, "elapsed_ms", stats.elapsedNs() / 1e6, 1);
            json.writeNumberField("reads", stats.reads());
            json.writeNumberField("writes", stats.writes());
            json.writeNumberField("read_bytes", stats.bytesRead());
            json.writeNumberField("write_bytes", stats.bytesWritten());
            json.writeNumberField("lost", stats.lostRequests());
            json.writeNumberField("io_errors", stats.ioErrors());
            json.writeNumberField("verify_errors", verification.errors());
            json.writeNumberField("failovers", failovers);
            json.writeStringField("outcome", outcome.name());
            if (null != message)
            {
                json.writeStringField("message", message);
            }
            out.end();
        }
        catch (final IOException ex)
        {
            fail(ex);
        }
    }

    /**
     * @return the first error writing the file, or null.
     */
    IOException error()
    {
        return error;
    }

    void close()
    {
        try
        {
            out.close();
        }
        catch (final IOException ex)
        {
            fail(ex);
        }
    }

    private void interval(final long endNs)
    {
        final long reads = stats.reads() - this.reads;
        final long writes = stats.writes() - this.writes;
        final long bytesRead = stats.bytesRead() - this.bytesRead;
        final long bytesWritten = stats.bytesWritten() - this.bytesWritten;
        final long lost = stats.lostRequests() - this.lost;
        final long ioErrors = stats.ioErrors() - this.ioErrors;
        final long verifyErrors = verification.errors() - this.verifyErrors;
        this.reads += reads;
        this.writes += writes;
        this.bytesRead += bytesRead;
        this.bytesWritten += bytesWritten;
        this.lost += lost;
        this.ioErrors += ioErrors;
        this.verifyErrors += verifyErrors;
        allLatency.reset();
        allLatency.add(readLatency);
        allLatency.add(writeLatency);
        if (null == error)
        {
            final double seconds = (endNs - intervalStartNs) / 1e9;
            try
            {
                final JsonGenerator json = out.begin(TimelineFormat.INTERVAL);
                json.writeNumberField("time_ms", epochMs(intervalStartNs));
                TimelineWriter.number(json, "duration_ms", (endNs - intervalStartNs) / 1e6, 1);
                json.writeNumberField("reads", reads);
                json.writeNumberField("writes", writes);
                json.writeNumberField("read_bytes", bytesRead);
                json.writeNumberField("write_bytes", bytesWritten);
                TimelineWriter.number(json, "read_ops_s", reads / seconds, 0);
                TimelineWriter.number(json, "write_ops_s", writes / seconds, 0);
                TimelineWriter.number(json, "read_bytes_s", bytesRead / seconds, 0);
                TimelineWriter.number(json, "write_bytes_s", bytesWritten / seconds, 0);
                latency(json, "", allLatency);
                latency(json, "read_", readLatency);
                latency(json, "write_", writeLatency);
                json.writeNumberField("lost", lost);
                json.writeNumberField("io_errors", ioErrors);
                json.writeNumberField("verify_errors", verifyErrors);
                json.writeNumberField("connected", connected());
                out.end();
            }
            catch (final IOException ex)
            {
                fail(ex);
            }
        }
        readLatency.reset();
        writeLatency.reset();
    }

    private static void latency(final JsonGenerator json, final String prefix, final Histogram histogram)
        throws IOException
    {
        final boolean any = histogram.getTotalCount() > 0;
        TimelineWriter.number(json, prefix + "p50_us", any ? histogram.getValueAtPercentile(50) / 1e3 : Double.NaN, 1);
        TimelineWriter.number(json, prefix + "p99_us", any ? histogram.getValueAtPercentile(99) / 1e3 : Double.NaN, 1);
        TimelineWriter.number(json, prefix + "max_us", any ? histogram.getMaxValue() / 1e3 : Double.NaN, 1);
    }

    private int connected()
    {
        int live = 0;
        for (final WorkloadConnection conn : connections)
        {
            live += conn.live() ? 1 : 0;
        }
        return live;
    }

    private JsonGenerator event(final long nowNs, final String type) throws IOException
    {
        final JsonGenerator json = out.begin(TimelineFormat.EVENT);
        json.writeStringField("source", TimelineFormat.SOURCE_WORKLOAD);
        json.writeNumberField("time_ms", epochMs(nowNs));
        json.writeStringField("type", type);
        return json;
    }

    private long epochMs(final long nanoTime)
    {
        return startMs + Math.round((nanoTime - startNs) / 1e6);
    }

    private void fail(final IOException ex)
    {
        if (null == error)
        {
            error = ex;
        }
    }
}
