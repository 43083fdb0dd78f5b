package io.tandem.controller.nbd;

import org.agrona.DirectBuffer;

import static io.tandem.controller.nbd.NbdProtocol.BYTE_ORDER;

/**
 * Flyweight over the header of a transmission request, as the client sends it (big-endian):
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                      magic 0x25609513                         |  0
 *  +-------------------------------+-------------------------------+
 *  |         command flags         |             type              |  4
 *  +-------------------------------+-------------------------------+
 *  |                  handle (the client's cookie)                 |  8
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                     offset (unsigned 64)                      | 16
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                     length (unsigned 32)                      | 24
 *  +---------------------------------------------------------------+
 *  |           payload of {@code length} bytes, WRITE only          | 28
 * </pre>
 * Not thread-safe: one per connection owner.
 */
public final class NbdRequestDecoder
{
    public static final int MAGIC_OFFSET = 0;
    public static final int FLAGS_OFFSET = 4;
    public static final int TYPE_OFFSET = 6;
    public static final int HANDLE_OFFSET = 8;
    public static final int OFFSET_OFFSET = 16;
    public static final int LENGTH_OFFSET = 24;
    public static final int HEADER_LENGTH = 28;

    private DirectBuffer buffer;
    private int offset;

    public NbdRequestDecoder wrap(final DirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    public int magic()
    {
        return buffer.getInt(offset + MAGIC_OFFSET, BYTE_ORDER);
    }

    public int flags()
    {
        return buffer.getShort(offset + FLAGS_OFFSET, BYTE_ORDER) & 0xFFFF;
    }

    public int type()
    {
        return buffer.getShort(offset + TYPE_OFFSET, BYTE_ORDER) & 0xFFFF;
    }

    /**
     * @return the handle, opaque to the server and echoed in the reply; read in the wire's byte order so it goes
     * back exactly as it came.
     */
    public long handle()
    {
        return buffer.getLong(offset + HANDLE_OFFSET, BYTE_ORDER);
    }

    /**
     * @return the offset; negative when the unsigned value is beyond {@link Long#MAX_VALUE}, which no export is.
     */
    public long offset()
    {
        return buffer.getLong(offset + OFFSET_OFFSET, BYTE_ORDER);
    }

    /**
     * @return the length, unsigned.
     */
    public long length()
    {
        return buffer.getInt(offset + LENGTH_OFFSET, BYTE_ORDER) & 0xFFFF_FFFFL;
    }
}
