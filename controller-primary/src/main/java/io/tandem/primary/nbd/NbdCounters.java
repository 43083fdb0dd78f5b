package io.tandem.primary.nbd;

/**
 * What an NBD server has done: operations and bytes per command, errors and connections.
 * <p>
 * Written by the server's agent thread only; any thread may read them while it runs (each value is a volatile
 * read of its own, so a set of values read one after the other is not a snapshot).
 */
public final class NbdCounters
{
    volatile long reads;
    volatile long readBytes;
    volatile long writes;
    volatile long writeBytes;
    volatile long flushes;
    volatile long trims;
    volatile long trimBytes;
    volatile long writeZeroes;
    volatile long writeZeroesBytes;
    volatile long fuaRequests;
    volatile long errorReplies;
    volatile long refusedRequests;
    volatile long staleCompletions;
    volatile long connectionsAccepted;
    volatile long connectionsRejected;
    volatile long connectionsClosed;
    volatile long protocolViolations;
    volatile long handshakesCompleted;
    volatile long handshakeTimeouts;
    volatile long activeConnections;

    /**
     * @return successful READs.
     */
    public long reads()
    {
        return reads;
    }

    public long readBytes()
    {
        return readBytes;
    }

    /**
     * @return successful WRITEs.
     */
    public long writes()
    {
        return writes;
    }

    public long writeBytes()
    {
        return writeBytes;
    }

    public long flushes()
    {
        return flushes;
    }

    public long trims()
    {
        return trims;
    }

    public long trimBytes()
    {
        return trimBytes;
    }

    public long writeZeroes()
    {
        return writeZeroes;
    }

    public long writeZeroesBytes()
    {
        return writeZeroesBytes;
    }

    /**
     * @return requests submitted to the volume with FUA set.
     */
    public long fuaRequests()
    {
        return fuaRequests;
    }

    /**
     * @return replies that carried an error, from validation, refuse-I/O mode or the volume.
     */
    public long errorReplies()
    {
        return errorReplies;
    }

    /**
     * @return requests answered with the refuse-I/O error.
     */
    public long refusedRequests()
    {
        return refusedRequests;
    }

    /**
     * @return completions for tokens not in flight (a volume bug), dropped.
     */
    public long staleCompletions()
    {
        return staleCompletions;
    }

    public long connectionsAccepted()
    {
        return connectionsAccepted;
    }

    /**
     * @return connections closed at once because {@link NbdServerContext#maxConnections()} were open.
     */
    public long connectionsRejected()
    {
        return connectionsRejected;
    }

    public long connectionsClosed()
    {
        return connectionsClosed;
    }

    /**
     * @return connections closed because the client broke the protocol (bad magic, oversized write, bad flags).
     */
    public long protocolViolations()
    {
        return protocolViolations;
    }

    /**
     * @return connections that entered the transmission phase.
     */
    public long handshakesCompleted()
    {
        return handshakesCompleted;
    }

    /**
     * @return connections closed for not finishing the handshake in time.
     */
    public long handshakeTimeouts()
    {
        return handshakeTimeouts;
    }

    public long activeConnections()
    {
        return activeConnections;
    }

    public String toString()
    {
        return "reads=" + reads + " readBytes=" + readBytes + " writes=" + writes + " writeBytes=" + writeBytes +
            " flushes=" + flushes + " trims=" + trims + " writeZeroes=" + writeZeroes + " fua=" + fuaRequests +
            " errorReplies=" + errorReplies + " refused=" + refusedRequests + " stale=" + staleCompletions +
            " accepted=" + connectionsAccepted + " rejected=" + connectionsRejected +
            " closed=" + connectionsClosed + " violations=" + protocolViolations +
            " handshakes=" + handshakesCompleted + " handshakeTimeouts=" + handshakeTimeouts +
            " active=" + activeConnections;
    }
}
