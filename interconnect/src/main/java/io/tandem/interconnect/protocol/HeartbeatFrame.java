package io.tandem.interconnect.protocol;

import org.agrona.DirectBuffer;

import static io.tandem.interconnect.protocol.FrameHeader.BYTE_ORDER;
import static io.tandem.interconnect.protocol.FrameHeader.HEADER_LENGTH;

/**
 * Liveness of one path, sent both ways on every path whether or not it carries records.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                    header ({@link FrameHeader})                |  0
 *  +---------------------------------------------------------------+
 *  |             sender's clock when sent, ns (64)                 | 24
 *  |                                                               |
 *  +---------------------------------------------------------------+
 * </pre>
 * Not thread-safe: one instance per thread.
 */
public final class HeartbeatFrame extends FrameHeader
{
    public static final int TIMESTAMP_OFFSET = HEADER_LENGTH;
    public static final int LENGTH = HEADER_LENGTH + 8;

    /**
     * @return the frame length.
     */
    public int encode(final long clusterId, final long epoch, final long timestampNs)
    {
        header(TYPE_HEARTBEAT, LENGTH, clusterId, epoch);
        buffer.putLong(offset + TIMESTAMP_OFFSET, timestampNs, BYTE_ORDER);
        return LENGTH;
    }

    public static long timestampNs(final DirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset + TIMESTAMP_OFFSET, BYTE_ORDER);
    }
}
