package io.tandem.controller.nbd;

import java.nio.ByteBuffer;

import static io.tandem.controller.nbd.NbdProtocol.CMD_BLOCK_STATUS;
import static io.tandem.controller.nbd.NbdProtocol.CMD_FLAG_DF;
import static io.tandem.controller.nbd.NbdProtocol.CMD_FLAG_FAST_ZERO;
import static io.tandem.controller.nbd.NbdProtocol.CMD_FLAG_FUA;
import static io.tandem.controller.nbd.NbdProtocol.CMD_FLAG_NO_HOLE;
import static io.tandem.controller.nbd.NbdProtocol.CMD_FLAG_REQ_ONE;
import static io.tandem.controller.nbd.NbdProtocol.CMD_FLUSH;
import static io.tandem.controller.nbd.NbdProtocol.CMD_READ;
import static io.tandem.controller.nbd.NbdProtocol.CMD_TRIM;
import static io.tandem.controller.nbd.NbdProtocol.CMD_WRITE;
import static io.tandem.controller.nbd.NbdProtocol.CMD_WRITE_ZEROES;
import static io.tandem.controller.nbd.NbdProtocol.EIO;

/**
 * Checks a complete request against the export and what its connection negotiated, and hands it to the
 * {@link BlockVolume}, or decides the error it is answered with at once ({@link NbdRequestError} says why).
 * <p>
 * Errors, in the order they are checked (proto.md "Error values" and the request types):
 * <ul>
 * <li>EINVAL: an unknown command (CACHE and others not advertised); a flag unknown or not valid for the command
 * (NO_HOLE and FAST_ZERO on anything but WRITE_ZEROES, REQ_ONE on anything but BLOCK_STATUS, DF on anything but
 * READ or without structured replies); FLUSH with a non-zero offset or length; a zero length; BLOCK_STATUS without
 * the {@code base:allocation} context selected;</li>
 * <li>EOVERFLOW: a READ longer than the maximum payload;</li>
 * <li>EPERM: WRITE, TRIM or WRITE_ZEROES on a read-only export;</li>
 * <li>ENOSPC: WRITE or WRITE_ZEROES reaching beyond the end; EINVAL: READ, TRIM or BLOCK_STATUS reaching beyond
 * the end;</li>
 * <li>the refuse-I/O error (ESHUTDOWN by default) for every valid request while the server refuses I/O;</li>
 * <li>ENOTSUP: WRITE_ZEROES with FAST_ZERO on a volume whose zeroing is no faster than writing
 * ({@link BlockVolume#zeroesFast()}): at once, as the flag asks.</li>
 * </ul>
 * A WRITE longer than the maximum payload never gets here: its connection is closed as a protocol violation.
 * <p>
 * Not thread-safe: the server's agent thread only.
 */
final class NbdCommandDispatcher
{
    /** Returned by {@link #dispatch} when the volume has the request. */
    static final int SUBMITTED = -1;

    /** Extent descriptors one BLOCK_STATUS reply carries at most: 16 KiB of them; the client asks again after. */
    static final int MAX_EXTENTS = 2048;

    private static final int KNOWN_FLAGS =
        CMD_FLAG_FUA | CMD_FLAG_NO_HOLE | CMD_FLAG_DF | CMD_FLAG_REQ_ONE | CMD_FLAG_FAST_ZERO;

    private final BlockVolume volume;
    private final RequestSlots slots;
    private final IoCompletion completion;
    private final NbdCounters counters;
    private final long size;
    private final int maxPayload;
    private final boolean readOnly;
    private final int refuseIoError;
    private final boolean zeroesFast;

    NbdCommandDispatcher(
        final NbdServerContext ctx, final RequestSlots slots, final IoCompletion completion, final NbdCounters counters)
    {
        this.volume = ctx.volume();
        this.slots = slots;
        this.completion = completion;
        this.counters = counters;
        this.size = volume.size();
        this.maxPayload = ctx.maxPayload();
        this.readOnly = ctx.readOnly();
        this.refuseIoError = ctx.refuseIoError();
        this.zeroesFast = volume.zeroesFast();
    }

    /**
     * @return the length of the buffer a request needs: its payload for WRITE, its data for READ, room for the
     * extents of BLOCK_STATUS (one with REQ_ONE); 0 for the others.
     */
    static int bufferLength(final int type, final int flags, final long length, final int maxPayload)
    {
        switch (type)
        {
            case CMD_WRITE:
                return (int)length;
            case CMD_READ:
                return length <= maxPayload ? (int)length : 0;
            case CMD_BLOCK_STATUS:
                return (0 != (flags & CMD_FLAG_REQ_ONE) ? 1 : MAX_EXTENTS) * NbdExtents.DESCRIPTOR_LENGTH;
            default:
                return 0;
        }
    }

    /**
     * @return why the request is answered with an error at once ({@link NbdRequestError}), or
     * {@link NbdRequestError#NONE} if it may go to the volume.
     */
    byte validate(
        final int type,
        final int flags,
        final long offset,
        final long length,
        final boolean refuseIo,
        final NbdSession session)
    {
        if (CMD_READ != type && CMD_WRITE != type && CMD_FLUSH != type && CMD_TRIM != type &&
            CMD_WRITE_ZEROES != type && CMD_BLOCK_STATUS != type)
        {
            return NbdRequestError.UNKNOWN_COMMAND;
        }
        if (0 != (flags & ~KNOWN_FLAGS) ||
            (0 != (flags & (CMD_FLAG_NO_HOLE | CMD_FLAG_FAST_ZERO)) && CMD_WRITE_ZEROES != type) ||
            (0 != (flags & CMD_FLAG_REQ_ONE) && CMD_BLOCK_STATUS != type) ||
            (0 != (flags & CMD_FLAG_DF) && (CMD_READ != type || !session.structuredReplies())))
        {
            return NbdRequestError.BAD_FLAG;
        }
        if (CMD_FLUSH == type)
        {
            if (0 != offset || 0 != length)
            {
                return NbdRequestError.FLUSH_WITH_RANGE;
            }
        }
        else
        {
            if (0 == length)
            {
                return NbdRequestError.ZERO_LENGTH;
            }
            if (CMD_BLOCK_STATUS == type && !session.baseAllocation())
            {
                return NbdRequestError.NO_META_CONTEXT;
            }
            if (CMD_READ == type && length > maxPayload)
            {
                return NbdRequestError.READ_TOO_LONG;
            }
            if (readOnly && CMD_READ != type && CMD_BLOCK_STATUS != type)
            {
                return NbdRequestError.READ_ONLY;
            }
            if (offset < 0 || offset > size || length > size - offset)
            {
                return CMD_WRITE == type || CMD_WRITE_ZEROES == type ?
                    NbdRequestError.WRITE_PAST_END : NbdRequestError.PAST_END;
            }
        }
        if (refuseIo)
        {
            return NbdRequestError.REFUSED;
        }
        if (CMD_WRITE_ZEROES == type && 0 != (flags & CMD_FLAG_FAST_ZERO) && !zeroesFast)
        {
            return NbdRequestError.FAST_ZERO_UNSUPPORTED;
        }
        return NbdRequestError.NONE;
    }

    /**
     * Validates the request in {@code slot} against what {@code session} negotiated and submits it to the volume.
     *
     * @return {@link #SUBMITTED}, or the error to answer with at once (its reason kept in the slot).
     */
    int dispatch(final int slot, final boolean refuseIo, final NbdSession session)
    {
        final int type = slots.type(slot);
        final int flags = slots.flags(slot);
        final long offset = slots.offset(slot);
        final long length = slots.length(slot);
        final byte reason = validate(type, flags, offset, length, refuseIo, session);
        if (NbdRequestError.NONE != reason)
        {
            slots.reason(slot, reason);
            switch (reason)
            {
                case NbdRequestError.REFUSED:
                    counters.increment(NbdCounters.REFUSED_REQUESTS_OFFSET);
                    return refuseIoError;
                case NbdRequestError.FAST_ZERO_UNSUPPORTED:
                    counters.increment(NbdCounters.FAST_ZERO_REFUSALS_OFFSET);
                    return NbdRequestError.errorOf(reason);
                default:
                    counters.increment(NbdCounters.INVALID_REQUESTS_OFFSET);
                    return NbdRequestError.errorOf(reason);
            }
        }

        final boolean fua = 0 != (flags & CMD_FLAG_FUA);
        if (fua)
        {
            counters.increment(NbdCounters.FUA_REQUESTS_OFFSET);
        }
        final long token = slots.token(slot);
        slots.state(slot, RequestSlots.SUBMITTED);
        try
        {
            switch (type)
            {
                case CMD_READ:
                {
                    final ByteBuffer buffer = slots.buffer(slot);
                    buffer.clear().limit((int)length);
                    volume.submitRead(token, offset, buffer, completion);
                    break;
                }
                case CMD_WRITE:
                {
                    final ByteBuffer buffer = slots.buffer(slot);
                    buffer.clear().limit((int)length);
                    volume.submitWrite(token, offset, buffer, fua, completion);
                    break;
                }
                case CMD_FLUSH:
                    volume.submitFlush(token, completion);
                    break;
                case CMD_TRIM:
                    volume.submitTrim(token, offset, length, fua, completion);
                    break;
                case CMD_BLOCK_STATUS:
                {
                    final ByteBuffer buffer = slots.buffer(slot);
                    NbdExtents.prepare(buffer, bufferLength(type, flags, length, maxPayload) /
                        NbdExtents.DESCRIPTOR_LENGTH);
                    volume.submitBlockStatus(token, offset, length, buffer, completion);
                    break;
                }
                default:
                    volume.submitWriteZeroes(
                        token, offset, length, fua, 0 != (flags & CMD_FLAG_NO_HOLE), completion);
                    break;
            }
        }
        catch (final RuntimeException ex)
        {
            // a completion the volume may still deliver for this token is dropped as stale
            slots.state(slot, RequestSlots.RECEIVING);
            slots.reason(slot, NbdRequestError.VOLUME);
            return EIO;
        }
        return SUBMITTED;
    }

    /**
     * A BLOCK_STATUS the volume completed: its extents are cut to the request's range and their length kept in
     * the slot for the reply; a volume that gave none failed the request.
     *
     * @return the error the reply carries.
     */
    int blockStatusDone(final int slot, final int error)
    {
        if (NbdProtocol.OK != error)
        {
            return error;
        }
        final int bytes = NbdExtents.clamp(slots.buffer(slot), slots.length(slot));
        if (0 == bytes)
        {
            slots.reason(slot, NbdRequestError.VOLUME);
            return EIO;
        }
        slots.replyLength(slot, bytes);
        return error;
    }

    /**
     * Counts a reply about to be sent.
     */
    void countReply(final int slot)
    {
        final int error = slots.error(slot);
        if (NbdProtocol.OK != error)
        {
            counters.increment(NbdCounters.ERROR_REPLIES_OFFSET);
            return;
        }
        final long length = slots.length(slot);
        switch (slots.type(slot))
        {
            case CMD_READ:
                counters.increment(NbdCounters.READS_OFFSET);
                counters.add(NbdCounters.READ_BYTES_OFFSET, length);
                break;
            case CMD_WRITE:
                counters.increment(NbdCounters.WRITES_OFFSET);
                counters.add(NbdCounters.WRITE_BYTES_OFFSET, length);
                break;
            case CMD_FLUSH:
                counters.increment(NbdCounters.FLUSHES_OFFSET);
                break;
            case CMD_TRIM:
                counters.increment(NbdCounters.TRIMS_OFFSET);
                counters.add(NbdCounters.TRIM_BYTES_OFFSET, length);
                break;
            case CMD_WRITE_ZEROES:
                counters.increment(NbdCounters.WRITE_ZEROES_OFFSET);
                counters.add(NbdCounters.WRITE_ZEROES_BYTES_OFFSET, length);
                break;
            case CMD_BLOCK_STATUS:
                counters.increment(NbdCounters.BLOCK_STATUS_OFFSET);
                break;
            default:
                break;
        }
    }
}
