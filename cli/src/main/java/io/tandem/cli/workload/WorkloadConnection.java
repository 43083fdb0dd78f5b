package io.tandem.cli.workload;

import io.tandem.cli.nbd.NbdClientConnection;
import io.tandem.cli.nbd.NbdReplyHandler;

import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;

/**
 * One of the workload's connections: the NBD connection it has now (none while it fails over), what each of its
 * slots is doing, and where it stands in a failover.
 * <p>
 * A failover starts when the connection breaks (closed, protocol error, or an ESHUTDOWN reply) and ends at the
 * first request answered successfully on a new connection; a new connection that refuses I/O too continues the
 * same failover.
 * <p>
 * Not thread-safe: the workload's one thread owns it.
 */
final class WorkloadConnection implements NbdReplyHandler
{
    static final byte IDLE = 0;
    static final byte RUN_READ = 1;
    static final byte VERIFY_READ = 2;
    static final byte WRITE = 3;
    static final byte FLUSH = 4;

    final int index;
    private final Workload workload;

    NbdClientConnection client;
    SelectionKey key;
    int targetIndex;

    final byte[] kind;
    final int[] block;
    final int[] version;
    final long[] startNs;

    boolean failingOver;
    boolean awaitingSuccess;
    long brokenAtNs;
    InetSocketAddress brokenFrom;
    String cause;
    String lastError;
    int attempts;
    long nextAttemptNs;
    String refusal;
    boolean everServed;
    boolean needsFlush;

    WorkloadConnection(final int index, final int queueDepth, final Workload workload)
    {
        this.index = index;
        this.workload = workload;
        kind = new byte[queueDepth];
        block = new int[queueDepth];
        version = new int[queueDepth];
        startNs = new long[queueDepth];
    }

    boolean live()
    {
        return null != client;
    }

    /**
     * @return requests this connection may have in flight now: one, to probe, while a failover is unconfirmed.
     */
    int inFlightLimit()
    {
        return awaitingSuccess ? 1 : client.slots();
    }

    public void onReply(final int slot, final int command, final int error)
    {
        workload.onReply(this, slot, error);
    }
}
