package io.tandem.cli.workload;

import org.HdrHistogram.Histogram;

import java.util.concurrent.TimeUnit;

/**
 * What the run did: requests and bytes by kind, latency histograms (issue to reply, in nanoseconds, 3 significant
 * digits, up to a minute), requests lost with a broken connection and NBD errors. The interval histograms are
 * reset by each progress line. Recording does not allocate.
 * <p>
 * Not thread-safe: the workload's one thread records; read it once the run is over.
 */
public final class WorkloadStats
{
    static final long HIGHEST_LATENCY_NS = TimeUnit.MINUTES.toNanos(1);

    private final Histogram readLatency = new Histogram(HIGHEST_LATENCY_NS, 3);
    private final Histogram writeLatency = new Histogram(HIGHEST_LATENCY_NS, 3);
    private final Histogram intervalReadLatency = new Histogram(HIGHEST_LATENCY_NS, 3);
    private final Histogram intervalWriteLatency = new Histogram(HIGHEST_LATENCY_NS, 3);
    private long reads;
    private long writes;
    private long flushes;
    private long bytesRead;
    private long bytesWritten;
    private long lostRequests;
    private long ioErrors;
    private long elapsedNs;

    void read(final int bytes, final long latencyNs)
    {
        reads++;
        bytesRead += bytes;
        final long value = Math.min(Math.max(latencyNs, 0), HIGHEST_LATENCY_NS);
        readLatency.recordValue(value);
        intervalReadLatency.recordValue(value);
    }

    void write(final int bytes, final long latencyNs)
    {
        writes++;
        bytesWritten += bytes;
        final long value = Math.min(Math.max(latencyNs, 0), HIGHEST_LATENCY_NS);
        writeLatency.recordValue(value);
        intervalWriteLatency.recordValue(value);
    }

    void flush()
    {
        flushes++;
    }

    void lost()
    {
        lostRequests++;
    }

    void ioError()
    {
        ioErrors++;
    }

    void elapsedNs(final long elapsedNs)
    {
        this.elapsedNs = elapsedNs;
    }

    /**
     * @return reads answered successfully.
     */
    public long reads()
    {
        return reads;
    }

    /**
     * @return writes acknowledged.
     */
    public long writes()
    {
        return writes;
    }

    public long flushes()
    {
        return flushes;
    }

    public long bytesRead()
    {
        return bytesRead;
    }

    public long bytesWritten()
    {
        return bytesWritten;
    }

    /**
     * @return requests in flight on a connection that broke, or refused with ESHUTDOWN: their outcome is unknown.
     */
    public long lostRequests()
    {
        return lostRequests;
    }

    /**
     * @return requests answered with an NBD error other than ESHUTDOWN.
     */
    public long ioErrors()
    {
        return ioErrors;
    }

    /**
     * @return time spent issuing requests (the final verification pass excluded).
     */
    public long elapsedNs()
    {
        return elapsedNs;
    }

    public Histogram readLatency()
    {
        return readLatency;
    }

    public Histogram writeLatency()
    {
        return writeLatency;
    }

    Histogram intervalReadLatency()
    {
        return intervalReadLatency;
    }

    Histogram intervalWriteLatency()
    {
        return intervalWriteLatency;
    }

    /**
     * @return completed requests per second over {@link #elapsedNs()}.
     */
    public double iops()
    {
        return elapsedNs > 0 ? (reads + writes) * 1e9 / elapsedNs : 0;
    }

    /**
     * @return MB (10^6 bytes) per second read and written over {@link #elapsedNs()}.
     */
    public double megabytesPerSecond()
    {
        return elapsedNs > 0 ? (bytesRead + bytesWritten) * 1e3 / elapsedNs : 0;
    }
}
