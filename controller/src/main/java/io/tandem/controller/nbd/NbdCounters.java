package io.tandem.controller.nbd;

import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * What an NBD server has done: operations and bytes per command, errors and connections, as 64-bit counters in a
 * buffer, so that a controller can place them in a memory-mapped file another process reads while it runs (the
 * default is a buffer of their own). Native byte order; the layout, offsets from the start of the region:
 * <pre>
 *  offset  counter
 *    0  reads
 *    8  readBytes
 *   16  writes
 *   24  writeBytes
 *   32  flushes
 *   40  trims
 *   48  trimBytes
 *   56  writeZeroes
 *   64  writeZeroesBytes
 *   72  fuaRequests
 *   80  errorReplies
 *   88  refusedRequests
 *   96  staleCompletions
 *  104  connectionsAccepted
 *  112  connectionsRejected
 *  120  connectionsClosed
 *  128  protocolViolations
 *  136  handshakesCompleted
 *  144  handshakeTimeouts
 *  152  activeConnections
 *  160  intakeHolds
 *  168  bufferWaits
 *  176  bufferAllocationFailures
 *  184  bufferBytes
 *  192  idleTimeouts
 *  200  serviceBinds
 *  208  serviceBindRefusals
 *  216  blockStatus
 *  224  invalidRequests
 *  232  fastZeroRefusals
 *  240  optionErrors
 * </pre>
 * {@link #LENGTH} bytes in all, 8-byte aligned.
 * <p>
 * Written by the server's agent thread only (ordered stores); any thread or process may read them while it runs.
 * Each value is read on its own, so a set of values read one after the other is not a snapshot.
 */
public final class NbdCounters
{
    public static final int READS_OFFSET = 0;
    public static final int READ_BYTES_OFFSET = 8;
    public static final int WRITES_OFFSET = 16;
    public static final int WRITE_BYTES_OFFSET = 24;
    public static final int FLUSHES_OFFSET = 32;
    public static final int TRIMS_OFFSET = 40;
    public static final int TRIM_BYTES_OFFSET = 48;
    public static final int WRITE_ZEROES_OFFSET = 56;
    public static final int WRITE_ZEROES_BYTES_OFFSET = 64;
    public static final int FUA_REQUESTS_OFFSET = 72;
    public static final int ERROR_REPLIES_OFFSET = 80;
    public static final int REFUSED_REQUESTS_OFFSET = 88;
    public static final int STALE_COMPLETIONS_OFFSET = 96;
    public static final int CONNECTIONS_ACCEPTED_OFFSET = 104;
    public static final int CONNECTIONS_REJECTED_OFFSET = 112;
    public static final int CONNECTIONS_CLOSED_OFFSET = 120;
    public static final int PROTOCOL_VIOLATIONS_OFFSET = 128;
    public static final int HANDSHAKES_COMPLETED_OFFSET = 136;
    public static final int HANDSHAKE_TIMEOUTS_OFFSET = 144;
    public static final int ACTIVE_CONNECTIONS_OFFSET = 152;
    public static final int INTAKE_HOLDS_OFFSET = 160;
    public static final int BUFFER_WAITS_OFFSET = 168;
    public static final int BUFFER_ALLOCATION_FAILURES_OFFSET = 176;
    public static final int BUFFER_BYTES_OFFSET = 184;
    public static final int IDLE_TIMEOUTS_OFFSET = 192;
    public static final int SERVICE_BINDS_OFFSET = 200;
    public static final int SERVICE_BIND_REFUSALS_OFFSET = 208;
    public static final int BLOCK_STATUS_OFFSET = 216;
    public static final int INVALID_REQUESTS_OFFSET = 224;
    public static final int FAST_ZERO_REFUSALS_OFFSET = 232;
    public static final int OPTION_ERRORS_OFFSET = 240;

    /** The length of the region, with room to add counters. */
    public static final int LENGTH = 256;

    private final AtomicBuffer buffer;
    private final int offset;

    /**
     * Counters in a buffer of their own.
     */
    public NbdCounters()
    {
        this(new UnsafeBuffer(ByteBuffer.allocateDirect(LENGTH)), 0);
    }

    /**
     * Counters in {@code buffer} at {@code offset} ({@link #LENGTH} bytes, 8-byte aligned), e.g. a region of a
     * memory-mapped status file; to read another process's counters, wrap the same region.
     */
    public NbdCounters(final AtomicBuffer buffer, final int offset)
    {
        if (0 != (offset & 7) || offset < 0 || offset + LENGTH > buffer.capacity())
        {
            throw new IllegalArgumentException("counters need " + LENGTH + " bytes 8-byte aligned at " + offset +
                " in a buffer of " + buffer.capacity());
        }
        buffer.verifyAlignment();
        this.buffer = buffer;
        this.offset = offset;
    }

    void increment(final int counterOffset)
    {
        add(counterOffset, 1);
    }

    void add(final int counterOffset, final long delta)
    {
        final int index = offset + counterOffset;
        buffer.putLongOrdered(index, buffer.getLong(index) + delta);
    }

    /**
     * @return the value of the counter at {@code counterOffset}, one of the {@code *_OFFSET} constants.
     */
    public long get(final int counterOffset)
    {
        return buffer.getLongVolatile(offset + counterOffset);
    }

    /**
     * @return successful READs.
     */
    public long reads()
    {
        return get(READS_OFFSET);
    }

    /**
     * @return bytes of successful READs.
     */
    public long readBytes()
    {
        return get(READ_BYTES_OFFSET);
    }

    /**
     * @return successful WRITEs.
     */
    public long writes()
    {
        return get(WRITES_OFFSET);
    }

    /**
     * @return bytes of successful WRITEs.
     */
    public long writeBytes()
    {
        return get(WRITE_BYTES_OFFSET);
    }

    /**
     * @return successful FLUSHes.
     */
    public long flushes()
    {
        return get(FLUSHES_OFFSET);
    }

    /**
     * @return successful TRIMs.
     */
    public long trims()
    {
        return get(TRIMS_OFFSET);
    }

    /**
     * @return bytes of successful TRIMs.
     */
    public long trimBytes()
    {
        return get(TRIM_BYTES_OFFSET);
    }

    /**
     * @return successful WRITE_ZEROES.
     */
    public long writeZeroes()
    {
        return get(WRITE_ZEROES_OFFSET);
    }

    /**
     * @return bytes of successful WRITE_ZEROES.
     */
    public long writeZeroesBytes()
    {
        return get(WRITE_ZEROES_BYTES_OFFSET);
    }

    /**
     * @return requests submitted to the volume with FUA set.
     */
    public long fuaRequests()
    {
        return get(FUA_REQUESTS_OFFSET);
    }

    /**
     * @return replies that carried an error, from validation, refuse-I/O mode or the volume.
     */
    public long errorReplies()
    {
        return get(ERROR_REPLIES_OFFSET);
    }

    /**
     * @return requests answered with the refuse-I/O error.
     */
    public long refusedRequests()
    {
        return get(REFUSED_REQUESTS_OFFSET);
    }

    /**
     * @return completions for tokens not in flight (a volume bug), dropped.
     */
    public long staleCompletions()
    {
        return get(STALE_COMPLETIONS_OFFSET);
    }

    /**
     * @return connections accepted, including those rejected at once.
     */
    public long connectionsAccepted()
    {
        return get(CONNECTIONS_ACCEPTED_OFFSET);
    }

    /**
     * @return connections closed at once because {@link NbdServerContext#maxConnections()} were open.
     */
    public long connectionsRejected()
    {
        return get(CONNECTIONS_REJECTED_OFFSET);
    }

    /**
     * @return connections closed, for any reason.
     */
    public long connectionsClosed()
    {
        return get(CONNECTIONS_CLOSED_OFFSET);
    }

    /**
     * @return connections closed because the client broke the protocol (bad magic, oversized write, bad flags).
     */
    public long protocolViolations()
    {
        return get(PROTOCOL_VIOLATIONS_OFFSET);
    }

    /**
     * @return connections that entered the transmission phase.
     */
    public long handshakesCompleted()
    {
        return get(HANDSHAKES_COMPLETED_OFFSET);
    }

    /**
     * @return connections closed for not finishing the handshake in time.
     */
    public long handshakeTimeouts()
    {
        return get(HANDSHAKE_TIMEOUTS_OFFSET);
    }

    /**
     * @return connections open now.
     */
    public long activeConnections()
    {
        return get(ACTIVE_CONNECTIONS_OFFSET);
    }

    /**
     * @return times request coalescing left new requests in their sockets ({@link NbdServerContext#coalesceDepth()}).
     */
    public long intakeHolds()
    {
        return get(INTAKE_HOLDS_OFFSET);
    }

    /**
     * @return times a connection stopped reading because the next request's buffer would pass
     * {@link NbdServerContext#maxBufferBytes()}.
     */
    public long bufferWaits()
    {
        return get(BUFFER_WAITS_OFFSET);
    }

    /**
     * @return times the JVM could not reserve direct memory for a request buffer within the budget (its
     * MaxDirectMemorySize is below {@link NbdServerContext#maxBufferBytes()} plus what else uses direct memory);
     * the request waited as for the budget.
     */
    public long bufferAllocationFailures()
    {
        return get(BUFFER_ALLOCATION_FAILURES_OFFSET);
    }

    /**
     * @return bytes held now in request and reply data buffers, at most {@link NbdServerContext#maxBufferBytes()}.
     */
    public long bufferBytes()
    {
        return get(BUFFER_BYTES_OFFSET);
    }

    /**
     * @return connections closed for leaving their connection unused {@link NbdServerContext#idleTimeoutNs()}.
     */
    public long idleTimeouts()
    {
        return get(IDLE_TIMEOUTS_OFFSET);
    }

    /**
     * @return times the service address was bound: once per time this controller took the volume.
     */
    public long serviceBinds()
    {
        return get(SERVICE_BINDS_OFFSET);
    }

    /**
     * @return times a bind of the service address was refused (in use: counted once per wait, not per retry).
     */
    public long serviceBindRefusals()
    {
        return get(SERVICE_BIND_REFUSALS_OFFSET);
    }

    /**
     * @return BLOCK_STATUS requests answered with extents.
     */
    public long blockStatus()
    {
        return get(BLOCK_STATUS_OFFSET);
    }

    /**
     * @return requests the server answered with an error before the volume saw them: an unknown command or flag,
     * a bad range or length, BLOCK_STATUS without a metadata context, a write to a read-only export (not the
     * refusals of a server that refuses I/O, counted on their own).
     */
    public long invalidRequests()
    {
        return get(INVALID_REQUESTS_OFFSET);
    }

    /**
     * @return WRITE_ZEROES with NBD_CMD_FLAG_FAST_ZERO answered ENOTSUP at once: the volume zeroes no faster than
     * it writes.
     */
    public long fastZeroRefusals()
    {
        return get(FAST_ZERO_REFUSALS_OFFSET);
    }

    /**
     * @return option replies that were errors: an unsupported option, malformed option data, an unknown export.
     */
    public long optionErrors()
    {
        return get(OPTION_ERRORS_OFFSET);
    }

    public String toString()
    {
        final StringBuilder text = new StringBuilder();
        text.append("reads=").append(reads()).append(' ');
        text.append("readBytes=").append(readBytes()).append(' ');
        text.append("writes=").append(writes()).append(' ');
        text.append("writeBytes=").append(writeBytes()).append(' ');
        text.append("flushes=").append(flushes()).append(' ');
        text.append("trims=").append(trims()).append(' ');
        text.append("trimBytes=").append(trimBytes()).append(' ');
        text.append("writeZeroes=").append(writeZeroes()).append(' ');
        text.append("writeZeroesBytes=").append(writeZeroesBytes()).append(' ');
        text.append("fuaRequests=").append(fuaRequests()).append(' ');
        text.append("errorReplies=").append(errorReplies()).append(' ');
        text.append("refusedRequests=").append(refusedRequests()).append(' ');
        text.append("staleCompletions=").append(staleCompletions()).append(' ');
        text.append("connectionsAccepted=").append(connectionsAccepted()).append(' ');
        text.append("connectionsRejected=").append(connectionsRejected()).append(' ');
        text.append("connectionsClosed=").append(connectionsClosed()).append(' ');
        text.append("protocolViolations=").append(protocolViolations()).append(' ');
        text.append("handshakesCompleted=").append(handshakesCompleted()).append(' ');
        text.append("handshakeTimeouts=").append(handshakeTimeouts()).append(' ');
        text.append("activeConnections=").append(activeConnections()).append(' ');
        text.append("intakeHolds=").append(intakeHolds()).append(' ');
        text.append("bufferWaits=").append(bufferWaits()).append(' ');
        text.append("bufferAllocationFailures=").append(bufferAllocationFailures()).append(' ');
        text.append("bufferBytes=").append(bufferBytes()).append(' ');
        text.append("idleTimeouts=").append(idleTimeouts()).append(' ');
        text.append("serviceBinds=").append(serviceBinds()).append(' ');
        text.append("serviceBindRefusals=").append(serviceBindRefusals()).append(' ');
        text.append("blockStatus=").append(blockStatus()).append(' ');
        text.append("invalidRequests=").append(invalidRequests()).append(' ');
        text.append("fastZeroRefusals=").append(fastZeroRefusals()).append(' ');
        text.append("optionErrors=").append(optionErrors()).append(' ');
        text.setLength(text.length() - 1);
        return text.toString();
    }
}
