package io.tandem.controller.nbd;

import org.agrona.MutableDirectBuffer;

import static io.tandem.controller.nbd.NbdProtocol.BYTE_ORDER;
import static io.tandem.controller.nbd.NbdProtocol.SIMPLE_REPLY_MAGIC;

/**
 * Flyweight over a simple reply of the transmission phase (big-endian):
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                      magic 0x67446698                         |  0
 *  +---------------------------------------------------------------+
 *  |                     error (0 on success)                      |  4
 *  +---------------------------------------------------------------+
 *  |                handle, as the request carried it              |  8
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |   the data of a successful READ, {@code length} bytes          | 16
 * </pre>
 * A READ that fails is answered by the header alone (proto.md: "it MUST NOT send any payload for this request").
 * <p>
 * Not thread-safe: one per connection owner.
 */
public final class NbdSimpleReplyEncoder
{
    public static final int MAGIC_OFFSET = 0;
    public static final int ERROR_OFFSET = 4;
    public static final int HANDLE_OFFSET = 8;
    public static final int HEADER_LENGTH = 16;

    private MutableDirectBuffer buffer;
    private int offset;

    public NbdSimpleReplyEncoder wrap(final MutableDirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    /**
     * Writes the whole header.
     */
    public NbdSimpleReplyEncoder encode(final int error, final long handle)
    {
        buffer.putInt(offset + MAGIC_OFFSET, SIMPLE_REPLY_MAGIC, BYTE_ORDER);
        buffer.putInt(offset + ERROR_OFFSET, error, BYTE_ORDER);
        buffer.putLong(offset + HANDLE_OFFSET, handle, BYTE_ORDER);
        return this;
    }
}
