package io.tandem.controller.nbd;

import java.nio.ByteBuffer;

import static io.tandem.controller.nbd.NbdProtocol.CMD_FLAG_FUA;
import static io.tandem.controller.nbd.NbdProtocol.CMD_FLAG_NO_HOLE;
import static io.tandem.controller.nbd.NbdProtocol.CMD_FLUSH;
import static io.tandem.controller.nbd.NbdProtocol.CMD_READ;
import static io.tandem.controller.nbd.NbdProtocol.CMD_TRIM;
import static io.tandem.controller.nbd.NbdProtocol.CMD_WRITE;
import static io.tandem.controller.nbd.NbdProtocol.CMD_WRITE_ZEROES;
import static io.tandem.controller.nbd.NbdProtocol.EINVAL;
import static io.tandem.controller.nbd.NbdProtocol.EIO;
import static io.tandem.controller.nbd.NbdProtocol.ENOSPC;
import static io.tandem.controller.nbd.NbdProtocol.EOVERFLOW;
import static io.tandem.controller.nbd.NbdProtocol.EPERM;
import static io.tandem.controller.nbd.NbdProtocol.OK;

/**
 * Checks a complete request against the export and hands it to the {@link BlockVolume}, or decides the error
 * it is answered with at once.
 * <p>
 * Errors, in the order they are checked (proto.md "Error values" and the request types):
 * <ul>
 * <li>EINVAL: an unknown command (CACHE, BLOCK_STATUS and others not advertised), an unknown flag, NO_HOLE on
 * anything but WRITE_ZEROES, FLUSH with a non-zero offset or length, a zero length;</li>
 * <li>EOVERFLOW: a READ longer than the maximum payload;</li>
 * <li>EPERM: WRITE, TRIM or WRITE_ZEROES on a read-only export;</li>
 * <li>ENOSPC: WRITE or WRITE_ZEROES reaching beyond the end; EINVAL: READ or TRIM reaching beyond the end;</li>
 * <li>the refuse-I/O error (ESHUTDOWN by default) for every valid request while the server refuses I/O.</li>
 * </ul>
 * A WRITE longer than the maximum payload never gets here: its connection is closed as a protocol violation.
 * <p>
 * Not thread-safe: the server's agent thread only.
 */
final class NbdCommandDispatcher
{
    /** Returned by {@link #dispatch} when the volume has the request. */
    static final int SUBMITTED = -1;

    private static final int KNOWN_FLAGS = CMD_FLAG_FUA | CMD_FLAG_NO_HOLE;

    private final BlockVolume volume;
    private final RequestSlots slots;
    private final IoCompletion completion;
    private final NbdCounters counters;
    private final long size;
    private final int maxPayload;
    private final boolean readOnly;
    private final int refuseIoError;

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
    }

    /**
     * @return the error the request is answered with at once, or {@link NbdProtocol#OK} if it may go to the volume.
     */
    int validate(final int type, final int flags, final long offset, final long length, final boolean refuseIo)
    {
        if (CMD_READ != type && CMD_WRITE != type && CMD_FLUSH != type && CMD_TRIM != type &&
            CMD_WRITE_ZEROES != type)
        {
            return EINVAL;
        }
        if (0 != (flags & ~KNOWN_FLAGS) || (0 != (flags & CMD_FLAG_NO_HOLE) && CMD_WRITE_ZEROES != type))
        {
            return EINVAL;
        }
        if (CMD_FLUSH == type)
        {
            if (0 != offset || 0 != length)
            {
                return EINVAL;
            }
        }
        else
        {
            if (0 == length)
            {
                return EINVAL;
            }
            if (CMD_READ == type && length > maxPayload)
            {
                return EOVERFLOW;
            }
            if (readOnly && CMD_READ != type)
            {
                return EPERM;
            }
            if (offset < 0 || offset > size || length > size - offset)
            {
                return CMD_WRITE == type || CMD_WRITE_ZEROES == type ? ENOSPC : EINVAL;
            }
        }
        return refuseIo ? refuseIoError : OK;
    }

    /**
     * Validates the request in {@code slot} and submits it to the volume.
     *
     * @return {@link #SUBMITTED}, or the error to answer with at once.
     */
    int dispatch(final int slot, final boolean refuseIo)
    {
        final int type = slots.type(slot);
        final int flags = slots.flags(slot);
        final long offset = slots.offset(slot);
        final long length = slots.length(slot);
        final int error = validate(type, flags, offset, length, refuseIo);
        if (OK != error)
        {
            if (refuseIo && error == refuseIoError)
            {
                counters.increment(NbdCounters.REFUSED_REQUESTS_OFFSET);
            }
            return error;
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
            return EIO;
        }
        return SUBMITTED;
    }

    /**
     * Counts a reply about to be sent.
     */
    void countReply(final int slot)
    {
        final int error = slots.error(slot);
        if (OK != error)
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
            default:
                break;
        }
    }
}
