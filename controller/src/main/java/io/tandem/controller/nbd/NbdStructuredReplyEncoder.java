package io.tandem.controller.nbd;

import org.agrona.MutableDirectBuffer;

import static io.tandem.controller.nbd.NbdProtocol.BYTE_ORDER;
import static io.tandem.controller.nbd.NbdProtocol.REPLY_FLAG_DONE;
import static io.tandem.controller.nbd.NbdProtocol.STRUCTURED_REPLY_MAGIC;

/**
 * Flyweight over a structured reply chunk of the transmission phase (big-endian), written for clients that
 * negotiated NBD_OPT_STRUCTURED_REPLY:
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                      magic 0x668e33ef                         |  0
 *  +-------------------------------+-------------------------------+
 *  |      flags (bit 0: DONE)      |           chunk type          |  4
 *  +-------------------------------+-------------------------------+
 *  |                handle, as the request carried it              |  8
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                  length of the payload                        | 16
 *  +---------------------------------------------------------------+
 *  |                  payload, {@code length} bytes                 | 20
 * </pre>
 * Payloads written here; each is the only chunk of its reply, so it carries DONE:
 * <pre>
 *  NBD_REPLY_TYPE_OFFSET_DATA:  | offset (64) | data (length - 8 bytes, copied after the prefix) |
 *  NBD_REPLY_TYPE_BLOCK_STATUS: | context id (32) | (extent length (32), status flags (32)) x n |
 *  NBD_REPLY_TYPE_ERROR:        | error (32) | message length (16) | message (UTF-8, for a human) |
 * </pre>
 * The methods write the chunk's header and the fixed part of its payload (the "prefix") and return the prefix's
 * length; the data or extents that follow are copied by the caller.
 * <p>
 * Not thread-safe: one per connection owner.
 */
public final class NbdStructuredReplyEncoder
{
    public static final int MAGIC_OFFSET = 0;
    public static final int FLAGS_OFFSET = 4;
    public static final int TYPE_OFFSET = 6;
    public static final int HANDLE_OFFSET = 8;
    public static final int LENGTH_OFFSET = 16;
    public static final int HEADER_LENGTH = 20;

    public static final int DATA_OFFSET_OFFSET = HEADER_LENGTH;
    /** Header and offset: what comes before the data of an OFFSET_DATA chunk. */
    public static final int OFFSET_DATA_PREFIX_LENGTH = HEADER_LENGTH + 8;

    public static final int CONTEXT_ID_OFFSET = HEADER_LENGTH;
    /** Header and context id: what comes before the extents of a BLOCK_STATUS chunk. */
    public static final int BLOCK_STATUS_PREFIX_LENGTH = HEADER_LENGTH + 4;
    /** One extent descriptor: length (32), status flags (32). */
    public static final int EXTENT_LENGTH = 8;

    public static final int ERROR_OFFSET = HEADER_LENGTH;
    public static final int ERROR_MESSAGE_LENGTH_OFFSET = HEADER_LENGTH + 4;
    public static final int ERROR_MESSAGE_OFFSET = HEADER_LENGTH + 6;

    private MutableDirectBuffer buffer;
    private int offset;

    public NbdStructuredReplyEncoder wrap(final MutableDirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    /**
     * @return the header's length.
     */
    public int header(final int flags, final int type, final long handle, final int payloadLength)
    {
        buffer.putInt(offset + MAGIC_OFFSET, STRUCTURED_REPLY_MAGIC, BYTE_ORDER);
        buffer.putShort(offset + FLAGS_OFFSET, (short)flags, BYTE_ORDER);
        buffer.putShort(offset + TYPE_OFFSET, (short)type, BYTE_ORDER);
        buffer.putLong(offset + HANDLE_OFFSET, handle, BYTE_ORDER);
        buffer.putInt(offset + LENGTH_OFFSET, payloadLength, BYTE_ORDER);
        return HEADER_LENGTH;
    }

    /**
     * The final OFFSET_DATA chunk of a read whose {@code dataLength} bytes at {@code readOffset} follow.
     *
     * @return {@link #OFFSET_DATA_PREFIX_LENGTH}.
     */
    public int offsetData(final long handle, final long readOffset, final int dataLength)
    {
        header(REPLY_FLAG_DONE, NbdProtocol.REPLY_TYPE_OFFSET_DATA, handle, 8 + dataLength);
        buffer.putLong(offset + DATA_OFFSET_OFFSET, readOffset, BYTE_ORDER);
        return OFFSET_DATA_PREFIX_LENGTH;
    }

    /**
     * The final BLOCK_STATUS chunk of context {@code contextId}, whose {@code extentBytes} of descriptors follow.
     *
     * @return {@link #BLOCK_STATUS_PREFIX_LENGTH}.
     */
    public int blockStatus(final long handle, final int contextId, final int extentBytes)
    {
        header(REPLY_FLAG_DONE, NbdProtocol.REPLY_TYPE_BLOCK_STATUS, handle, 4 + extentBytes);
        buffer.putInt(offset + CONTEXT_ID_OFFSET, contextId, BYTE_ORDER);
        return BLOCK_STATUS_PREFIX_LENGTH;
    }

    /**
     * The final ERROR chunk of a reply: {@code error} and a message for a human.
     *
     * @return the chunk's whole length.
     */
    public int error(final long handle, final int error, final byte[] message)
    {
        header(REPLY_FLAG_DONE, NbdProtocol.REPLY_TYPE_ERROR, handle, 6 + message.length);
        buffer.putInt(offset + ERROR_OFFSET, error, BYTE_ORDER);
        buffer.putShort(offset + ERROR_MESSAGE_LENGTH_OFFSET, (short)message.length, BYTE_ORDER);
        buffer.putBytes(offset + ERROR_MESSAGE_OFFSET, message);
        return ERROR_MESSAGE_OFFSET + message.length;
    }

    /**
     * @return the whole length of an ERROR chunk carrying {@code message}.
     */
    public static int errorLength(final byte[] message)
    {
        return ERROR_MESSAGE_OFFSET + message.length;
    }
}
