package io.tandem.controller.nbd;

import org.agrona.DirectBuffer;

import static io.tandem.controller.nbd.NbdProtocol.BYTE_ORDER;

/**
 * Flyweight over an option the client sends during the fixed newstyle handshake (big-endian):
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                    magic 'IHAVEOPT'                           |  0
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                          option                               |  8
 *  +---------------------------------------------------------------+
 *  |                 length of option data (unsigned)              | 12
 *  +---------------------------------------------------------------+
 *  |                  option data, {@code length} bytes             | 16
 * </pre>
 * The data of NBD_OPT_INFO and NBD_OPT_GO:
 * <pre>
 *  | name length (32) | name (UTF-8, name length bytes) | info count (16) | info type (16) x count |
 * </pre>
 * Not thread-safe: one per connection owner.
 */
public final class NbdOptionDecoder
{
    public static final int MAGIC_OFFSET = 0;
    public static final int OPTION_OFFSET = 8;
    public static final int LENGTH_OFFSET = 12;
    public static final int HEADER_LENGTH = 16;

    /** Within the data of INFO and GO. */
    public static final int NAME_LENGTH_OFFSET = 0;
    public static final int NAME_OFFSET = 4;

    private DirectBuffer buffer;
    private int offset;

    public NbdOptionDecoder wrap(final DirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    public long magic()
    {
        return buffer.getLong(offset + MAGIC_OFFSET, BYTE_ORDER);
    }

    public int option()
    {
        return buffer.getInt(offset + OPTION_OFFSET, BYTE_ORDER);
    }

    /**
     * @return the length of the data, unsigned.
     */
    public long length()
    {
        return buffer.getInt(offset + LENGTH_OFFSET, BYTE_ORDER) & 0xFFFF_FFFFL;
    }

    /**
     * @return where the option data starts in the buffer.
     */
    public int dataOffset()
    {
        return offset + HEADER_LENGTH;
    }
}
