package io.tandem.controller.nbd;

import org.agrona.MutableDirectBuffer;

import static io.tandem.controller.nbd.NbdProtocol.BYTE_ORDER;
import static io.tandem.controller.nbd.NbdProtocol.OPTION_REPLY_MAGIC;

/**
 * Flyweight over a reply to an option of the fixed newstyle handshake (big-endian):
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                   magic 0x0003e889045565a9                    |  0
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                  option, as the client sent it                |  8
 *  +---------------------------------------------------------------+
 *  |              reply type (bit 31 set for an error)             | 12
 *  +---------------------------------------------------------------+
 *  |                   length of reply data                        | 16
 *  +---------------------------------------------------------------+
 *  |                  reply data, {@code length} bytes              | 20
 * </pre>
 * Reply data written here:
 * <pre>
 *  NBD_REP_SERVER:                  | name length (32) | name | description (the rest) |
 *  NBD_REP_INFO, NBD_INFO_EXPORT:     | type 0 (16) | size (64) | transmission flags (16) |
 *  NBD_REP_INFO, NBD_INFO_NAME:       | type 1 (16) | name |
 *  NBD_REP_INFO, NBD_INFO_DESCRIPTION:| type 2 (16) | description |
 *  NBD_REP_INFO, NBD_INFO_BLOCK_SIZE: | type 3 (16) | minimum (32) | preferred (32) | maximum payload (32) |
 *  NBD_REP_META_CONTEXT:            | context id (32) | context name |
 *  errors:                          | optional UTF-8 message for a human |
 * </pre>
 * Not thread-safe: one per connection owner.
 */
public final class NbdOptionReplyEncoder
{
    public static final int MAGIC_OFFSET = 0;
    public static final int OPTION_OFFSET = 8;
    public static final int TYPE_OFFSET = 12;
    public static final int LENGTH_OFFSET = 16;
    public static final int HEADER_LENGTH = 20;

    public static final int INFO_TYPE_OFFSET = HEADER_LENGTH;
    public static final int INFO_EXPORT_SIZE_OFFSET = INFO_TYPE_OFFSET + 2;
    public static final int INFO_EXPORT_FLAGS_OFFSET = INFO_EXPORT_SIZE_OFFSET + 8;
    public static final int INFO_EXPORT_LENGTH = 12;
    public static final int INFO_BLOCK_SIZE_MIN_OFFSET = INFO_TYPE_OFFSET + 2;
    public static final int INFO_BLOCK_SIZE_PREFERRED_OFFSET = INFO_BLOCK_SIZE_MIN_OFFSET + 4;
    public static final int INFO_BLOCK_SIZE_MAX_OFFSET = INFO_BLOCK_SIZE_PREFERRED_OFFSET + 4;
    public static final int INFO_BLOCK_SIZE_LENGTH = 14;

    private MutableDirectBuffer buffer;
    private int offset;

    public NbdOptionReplyEncoder wrap(final MutableDirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    /**
     * Writes the header of a reply whose data is {@code dataLength} bytes.
     *
     * @return the total length of the reply.
     */
    public int header(final int option, final int replyType, final int dataLength)
    {
        buffer.putLong(offset + MAGIC_OFFSET, OPTION_REPLY_MAGIC, BYTE_ORDER);
        buffer.putInt(offset + OPTION_OFFSET, option, BYTE_ORDER);
        buffer.putInt(offset + TYPE_OFFSET, replyType, BYTE_ORDER);
        buffer.putInt(offset + LENGTH_OFFSET, dataLength, BYTE_ORDER);
        return HEADER_LENGTH + dataLength;
    }

    /**
     * @return the total length of a reply carrying {@code bytes} as its data.
     */
    public int withData(final int option, final int replyType, final byte[] bytes)
    {
        buffer.putBytes(offset + HEADER_LENGTH, bytes);
        return header(option, replyType, bytes.length);
    }

    /**
     * @return the total length of an NBD_REP_SERVER reply naming {@code name}, followed by its description.
     */
    public int server(final int option, final byte[] name, final byte[] description)
    {
        buffer.putInt(offset + HEADER_LENGTH, name.length, BYTE_ORDER);
        buffer.putBytes(offset + HEADER_LENGTH + 4, name);
        buffer.putBytes(offset + HEADER_LENGTH + 4 + name.length, description);
        return header(option, NbdProtocol.REP_SERVER, 4 + name.length + description.length);
    }

    /**
     * @return the total length of an NBD_REP_META_CONTEXT reply naming context {@code name} with id {@code id}.
     */
    public int metaContext(final int option, final int id, final byte[] name)
    {
        buffer.putInt(offset + HEADER_LENGTH, id, BYTE_ORDER);
        buffer.putBytes(offset + HEADER_LENGTH + 4, name);
        return header(option, NbdProtocol.REP_META_CONTEXT, 4 + name.length);
    }

    /**
     * @return the total length of an NBD_REP_INFO reply of type NBD_INFO_EXPORT.
     */
    public int infoExport(final int option, final long size, final int transmissionFlags)
    {
        buffer.putShort(offset + INFO_TYPE_OFFSET, (short)NbdProtocol.INFO_EXPORT, BYTE_ORDER);
        buffer.putLong(offset + INFO_EXPORT_SIZE_OFFSET, size, BYTE_ORDER);
        buffer.putShort(offset + INFO_EXPORT_FLAGS_OFFSET, (short)transmissionFlags, BYTE_ORDER);
        return header(option, NbdProtocol.REP_INFO, INFO_EXPORT_LENGTH);
    }

    /**
     * @return the total length of an NBD_REP_INFO reply of type NBD_INFO_NAME or NBD_INFO_DESCRIPTION.
     */
    public int infoString(final int option, final int infoType, final byte[] text)
    {
        buffer.putShort(offset + INFO_TYPE_OFFSET, (short)infoType, BYTE_ORDER);
        buffer.putBytes(offset + INFO_TYPE_OFFSET + 2, text);
        return header(option, NbdProtocol.REP_INFO, 2 + text.length);
    }

    /**
     * @return the total length of an NBD_REP_INFO reply of type NBD_INFO_BLOCK_SIZE.
     */
    public int infoBlockSize(final int option, final int minimum, final int preferred, final int maximum)
    {
        buffer.putShort(offset + INFO_TYPE_OFFSET, (short)NbdProtocol.INFO_BLOCK_SIZE, BYTE_ORDER);
        buffer.putInt(offset + INFO_BLOCK_SIZE_MIN_OFFSET, minimum, BYTE_ORDER);
        buffer.putInt(offset + INFO_BLOCK_SIZE_PREFERRED_OFFSET, preferred, BYTE_ORDER);
        buffer.putInt(offset + INFO_BLOCK_SIZE_MAX_OFFSET, maximum, BYTE_ORDER);
        return header(option, NbdProtocol.REP_INFO, INFO_BLOCK_SIZE_LENGTH);
    }
}
