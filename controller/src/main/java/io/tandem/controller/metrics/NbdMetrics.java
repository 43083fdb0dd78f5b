package io.tandem.controller.metrics;

import io.tandem.controller.nbd.NbdCounters;

/**
 * A role's NBD server's counters as metrics: requests and bytes by operation, connections, refusals, errors.
 * The counters are read where the server's agent writes them (ordered stores in a buffer of their own, which
 * outlives the server), each on its own.
 * <p>
 * Stateless; thread-safe.
 */
public final class NbdMetrics
{
    private NbdMetrics()
    {
    }

    public static void write(final NbdCounters nbd, final MetricsWriter out)
    {
        requests(out, IoOp.READ, nbd.reads(), nbd.readBytes());
        requests(out, IoOp.WRITE, nbd.writes(), nbd.writeBytes());
        requests(out, IoOp.WRITE_ZEROES, nbd.writeZeroes(), nbd.writeZeroesBytes());
        requests(out, IoOp.TRIM, nbd.trims(), nbd.trimBytes());
        out.counter("tandem_nbd_requests", "NBD requests by operation, since the role started", nbd.flushes(),
            "op", IoOp.FLUSH.label());
        out.counter("tandem_nbd_fua_requests", "NBD requests with FUA, since the role started", nbd.fuaRequests());
        out.counter("tandem_nbd_refused_requests", "NBD requests refused with ESHUTDOWN (a secondary, a giveback), " +
            "since the role started", nbd.refusedRequests());
        out.gauge("tandem_nbd_connections", "NBD connections open now", nbd.activeConnections());
        out.counter("tandem_nbd_connections_accepted", "NBD connections accepted, since the role started",
            nbd.connectionsAccepted());
        out.gauge("tandem_nbd_buffer_bytes", "Bytes of request and reply buffers the NBD server holds now",
            nbd.bufferBytes());
        out.counter("tandem_nbd_intake_holds", "Times request coalescing left new requests in their sockets, " +
            "since the role started", nbd.intakeHolds());
        ErrorMetrics.error(out, "nbd_error_reply", nbd.errorReplies());
        ErrorMetrics.error(out, "nbd_protocol_violation", nbd.protocolViolations());
        ErrorMetrics.error(out, "nbd_handshake_timeout", nbd.handshakeTimeouts());
        ErrorMetrics.error(out, "nbd_buffer_allocation_failure", nbd.bufferAllocationFailures());
    }

    private static void requests(final MetricsWriter out, final IoOp op, final long count, final long bytes)
    {
        out.counter("tandem_nbd_requests", "NBD requests by operation, since the role started", count,
            "op", op.label());
        out.counter("tandem_nbd_bytes", "Bytes NBD requests moved (or zeroed, trimmed) by operation, since the " +
            "role started", bytes, "op", op.label());
    }
}
