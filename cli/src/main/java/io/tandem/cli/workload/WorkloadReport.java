package io.tandem.cli.workload;

import org.HdrHistogram.Histogram;

import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The result of a {@link Workload} run: how it ended, what it did, the failovers it went through and what the
 * verification found; printed for people ({@link #print}) or as one JSON object ({@link #toJson}).
 * <p>
 * Immutable once returned by the run; thread-safe to read.
 */
public final class WorkloadReport
{
    private final WorkloadContext ctx;
    private final long span;
    private final WorkloadOutcome outcome;
    private final String message;
    private final WorkloadStats stats;
    private final List<Failover> failovers;
    private final VerificationLog verification;

    WorkloadReport(
        final WorkloadContext ctx,
        final long span,
        final WorkloadOutcome outcome,
        final String message,
        final WorkloadStats stats,
        final List<Failover> failovers,
        final VerificationLog verification)
    {
        this.ctx = ctx;
        this.span = span;
        this.outcome = outcome;
        this.message = message;
        this.stats = stats;
        this.failovers = Collections.unmodifiableList(failovers);
        this.verification = verification;
    }

    public WorkloadOutcome outcome()
    {
        return outcome;
    }

    /**
     * @return why the run did not complete, or null.
     */
    public String message()
    {
        return message;
    }

    public WorkloadStats stats()
    {
        return stats;
    }

    public List<Failover> failovers()
    {
        return failovers;
    }

    public VerificationLog verification()
    {
        return verification;
    }

    public long seed()
    {
        return ctx.seed();
    }

    /**
     * @return the bytes of the volume used.
     */
    public long span()
    {
        return span;
    }

    public void print(final PrintWriter out)
    {
        out.printf(Locale.ROOT, "tandem workload: %s%n", describeRun());
        if (!ctx.verifyOnly() && (stats.elapsedNs() > 0 || stats.reads() + stats.writes() + stats.lostRequests() > 0))
        {
            out.printf(Locale.ROOT, "  ops       %d (%d reads, %d writes), %d lost with a connection, %d I/O errors%n",
                stats.reads() + stats.writes(), stats.reads(), stats.writes(), stats.lostRequests(), stats.ioErrors());
            out.printf(Locale.ROOT, "  bytes     %s read, %s written in %.2f s%n",
                bytes(stats.bytesRead()), bytes(stats.bytesWritten()), stats.elapsedNs() / 1e9);
            out.printf(Locale.ROOT, "  rate      %.1f MB/s, %.0f IOPS%n", stats.megabytesPerSecond(), stats.iops());
            printLatency(out, "read ", stats.readLatency());
            printLatency(out, "write", stats.writeLatency());
        }
        out.printf(Locale.ROOT, "  failovers %d%n", failovers.size());
        for (final Failover failover : failovers)
        {
            out.printf(Locale.ROOT, "    %s%n", failover);
        }
        out.printf(Locale.ROOT, "  verify    %d reads checked, %d blocks verified at the end%s, %d errors%n",
            verification.readsChecked(), verification.blocksVerified(),
            verification.blocksUnacknowledged() > 0 ?
                " (" + verification.blocksUnacknowledged() + " written but never acknowledged)" : "",
            verification.errors());
        for (final String detail : verification.details())
        {
            out.printf(Locale.ROOT, "    %s%n", detail);
        }
        if (verification.errors() > verification.details().size())
        {
            out.printf(Locale.ROOT, "    ... and %d more%n", verification.errors() - verification.details().size());
        }
        out.printf(Locale.ROOT, "  result    %s%s%n", outcome, null == message ? "" : ": " + message);
        out.flush();
    }

    public String toJson()
    {
        final StringBuilder json = new StringBuilder(1024);
        json.append("{\"outcome\":\"").append(outcome).append('"');
        json.append(",\"message\":").append(null == message ? "null" : quote(message));
        json.append(",\"targets\":[");
        for (int i = 0; i < ctx.targets().size(); i++)
        {
            json.append(i > 0 ? "," : "").append(quote(format(ctx.targets().get(i))));
        }
        json.append("],\"blockSize\":").append(ctx.blockSize())
            .append(",\"queueDepth\":").append(ctx.queueDepth())
            .append(",\"connections\":").append(ctx.connections())
            .append(",\"span\":").append(span)
            .append(",\"seed\":").append(ctx.seed())
            .append(",\"verifyOnly\":").append(ctx.verifyOnly())
            .append(",\"elapsedMs\":").append(String.format(Locale.ROOT, "%.3f", stats.elapsedNs() / 1e6))
            .append(",\"iops\":").append(String.format(Locale.ROOT, "%.1f", stats.iops()))
            .append(",\"mbPerSec\":").append(String.format(Locale.ROOT, "%.2f", stats.megabytesPerSecond()))
            .append(",\"lostRequests\":").append(stats.lostRequests())
            .append(",\"ioErrors\":").append(stats.ioErrors())
            .append(",\"reads\":");
        latencyJson(json, stats.reads(), stats.bytesRead(), stats.readLatency());
        json.append(",\"writes\":");
        latencyJson(json, stats.writes(), stats.bytesWritten(), stats.writeLatency());
        json.append(",\"failovers\":[");
        for (int i = 0; i < failovers.size(); i++)
        {
            final Failover f = failovers.get(i);
            json.append(i > 0 ? "," : "")
                .append("{\"connection\":").append(f.connection())
                .append(",\"from\":").append(quote(format(f.from())))
                .append(",\"to\":").append(quote(format(f.to())))
                .append(",\"ms\":").append(String.format(Locale.ROOT, "%.3f", f.durationNs() / 1e6))
                .append(",\"attempts\":").append(f.attempts())
                .append(",\"cause\":").append(quote(f.cause())).append('}');
        }
        json.append("],\"verification\":{\"readsChecked\":").append(verification.readsChecked())
            .append(",\"blocksVerified\":").append(verification.blocksVerified())
            .append(",\"blocksUnacknowledged\":").append(verification.blocksUnacknowledged())
            .append(",\"errors\":").append(verification.errors())
            .append(",\"details\":[");
        for (int i = 0; i < verification.details().size(); i++)
        {
            json.append(i > 0 ? "," : "").append(quote(verification.details().get(i)));
        }
        return json.append("]}}").toString();
    }

    static String format(final InetSocketAddress address)
    {
        return address.getHostString() + ":" + address.getPort();
    }

    private String describeRun()
    {
        final StringBuilder text = new StringBuilder();
        text.append(ctx.verifyOnly() ? "verify-only against " : "");
        for (int i = 0; i < ctx.targets().size(); i++)
        {
            text.append(i > 0 ? ", " : "").append(format(ctx.targets().get(i)));
        }
        return text.append(String.format(Locale.ROOT,
            " | block %d, queue depth %d x %d connection(s), span %s, seed %d",
            ctx.blockSize(), ctx.queueDepth(), ctx.connections(), bytes(span), ctx.seed())).toString();
    }

    private static void printLatency(final PrintWriter out, final String name, final Histogram histogram)
    {
        if (histogram.getTotalCount() == 0)
        {
            out.printf(Locale.ROOT, "  %s     -%n", name);
            return;
        }
        out.printf(Locale.ROOT, "  %s     p50 %s  p99 %s  p99.9 %s  max %s%n", name,
            micros(histogram.getValueAtPercentile(50)), micros(histogram.getValueAtPercentile(99)),
            micros(histogram.getValueAtPercentile(99.9)), micros(histogram.getMaxValue()));
    }

    private static void latencyJson(final StringBuilder json, final long ops, final long bytes, final Histogram h)
    {
        final boolean any = h.getTotalCount() > 0;
        json.append("{\"ops\":").append(ops).append(",\"bytes\":").append(bytes)
            .append(",\"p50Us\":").append(any ? us(h.getValueAtPercentile(50)) : "null")
            .append(",\"p99Us\":").append(any ? us(h.getValueAtPercentile(99)) : "null")
            .append(",\"p999Us\":").append(any ? us(h.getValueAtPercentile(99.9)) : "null")
            .append(",\"maxUs\":").append(any ? us(h.getMaxValue()) : "null").append('}');
    }

    static String micros(final long ns)
    {
        return ns >= 10_000_000 ? String.format(Locale.ROOT, "%.1f ms", ns / 1e6) :
            String.format(Locale.ROOT, "%.0f us", ns / 1e3);
    }

    private static String us(final long ns)
    {
        return String.format(Locale.ROOT, "%.1f", ns / 1e3);
    }

    static String bytes(final long bytes)
    {
        if (bytes >= 1L << 30)
        {
            return String.format(Locale.ROOT, "%.2f GiB", bytes / (double)(1L << 30));
        }
        if (bytes >= 1L << 20)
        {
            return String.format(Locale.ROOT, "%.1f MiB", bytes / (double)(1L << 20));
        }
        return bytes >= 1L << 10 ? String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0) : bytes + " B";
    }

    private static String quote(final String text)
    {
        final StringBuilder quoted = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c == '"' || c == '\\')
            {
                quoted.append('\\').append(c);
            }
            else if (c < 0x20)
            {
                quoted.append(String.format("\\u%04x", (int)c));
            }
            else
            {
                quoted.append(c);
            }
        }
        return quoted.append('"').toString();
    }
}
