package io.tandem.cli.workload;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * One connection moving to another target (or back to the same one): from the moment it broke to the first request
 * answered successfully on the new one.
 * <p>
 * Immutable; thread-safe.
 */
public final class Failover
{
    private final int connection;
    private final InetSocketAddress from;
    private final InetSocketAddress to;
    private final long durationNs;
    private final int attempts;
    private final String cause;

    public Failover(
        final int connection,
        final InetSocketAddress from,
        final InetSocketAddress to,
        final long durationNs,
        final int attempts,
        final String cause)
    {
        this.connection = connection;
        this.from = from;
        this.to = to;
        this.durationNs = durationNs;
        this.attempts = attempts;
        this.cause = cause;
    }

    public int connection()
    {
        return connection;
    }

    public InetSocketAddress from()
    {
        return from;
    }

    public InetSocketAddress to()
    {
        return to;
    }

    /**
     * @return true when the connection came back to the target it left.
     */
    public boolean reconnect()
    {
        return from.equals(to);
    }

    public long durationNs()
    {
        return durationNs;
    }

    /**
     * @return connection attempts it took, the successful one included.
     */
    public int attempts()
    {
        return attempts;
    }

    /**
     * @return why the connection was left: the error or the NBD error that broke it.
     */
    public String cause()
    {
        return cause;
    }

    public String toString()
    {
        return (reconnect() ? "reconnect" : "failover") + " of connection " + connection + ": " +
            WorkloadReport.format(from) + " -> " + WorkloadReport.format(to) + " in " +
            String.format("%.1f ms", durationNs / (double)TimeUnit.MILLISECONDS.toNanos(1)) +
            " (" + attempts + (attempts == 1 ? " attempt" : " attempts") + "; cause: " + cause + ")";
    }
}
