package io.tandem.primary.write;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * One client write (or WRITE_ZEROES, TRIM, or a consistency point marker) on its way through the write path: cut into
 * pieces at stripe boundaries, each piece applied to the cache, logged and offered to the mirror in turn, then
 * waiting until every piece is durable locally and acknowledged by the partner.
 * <p>
 * Pooled and reused; not thread-safe (the write path's thread only).
 */
final class WriteRequest
{
    static final int KIND_WRITE = 1;
    /** Zeroes whose whole blocks stay allocated (NBD WRITE_ZEROES with NO_HOLE). */
    static final int KIND_ZERO = 2;
    static final int KIND_CP_MARKER = 3;
    /** Zeroes whose whole blocks may become holes (WRITE_ZEROES without NO_HOLE, TRIM). */
    static final int KIND_HOLE = 4;

    /** The current piece is not yet applied to the cache; it has no LSN or sequence yet. */
    static final int STAGE_NEW = 0;
    /** Applied to the cache with {@link #pieceLsn} and {@link #pieceSequence}; not yet logged. */
    static final int STAGE_APPLIED = 1;
    /** Logged at {@link #recordAddress}; not yet taken by the mirror. */
    static final int STAGE_LOGGED = 2;

    int kind;
    long token;
    long offset;
    long length;
    ByteBuffer src;
    /** The submitter's context, handed back with the completion. */
    Object context;
    /** A TRIM (a {@link #KIND_HOLE} otherwise like a WRITE_ZEROES's): for its latency's operation. */
    boolean trim;

    /** Volume offset of the next piece to process; {@code offset + length} once every piece was offered. */
    long cursor;
    int stage;
    long pieceLsn;
    long pieceSequence;
    long recordAddress;
    int recordLength;

    /** Highest NVLog ticket of the request's pieces: durable locally when the log completed it. */
    long maxTicket;
    /** Per stream, the highest sequence of the request's pieces; 0 where it has none. */
    final long[] maxSequence;
    long submittedNs;

    WriteRequest(final int streamCount)
    {
        maxSequence = new long[streamCount];
    }

    void reset(
        final int kind,
        final long token,
        final long offset,
        final long length,
        final ByteBuffer src,
        final Object context,
        final long nowNs)
    {
        this.kind = kind;
        this.token = token;
        this.offset = offset;
        this.length = length;
        this.src = src;
        this.context = context;
        this.trim = false;
        this.cursor = offset;
        this.stage = STAGE_NEW;
        this.maxTicket = 0;
        this.submittedNs = nowNs;
        Arrays.fill(maxSequence, 0);
    }

    long end()
    {
        return offset + length;
    }

    void clear()
    {
        src = null;
        context = null;
    }
}
