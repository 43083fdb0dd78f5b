package io.tandem.interconnect.protocol;

import org.agrona.DirectBuffer;

import static io.tandem.interconnect.protocol.FrameHeader.BYTE_ORDER;
import static io.tandem.interconnect.protocol.FrameHeader.HEADER_LENGTH;

/**
 * A record of one stream at one stream sequence, primary to secondary. The payload is opaque: the interconnect
 * never looks inside it.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                    header ({@link FrameHeader})                |  0
 *  +---------------------------------------------------------------+
 *  |                           stream                              | 24
 *  +---------------------------------------------------------------+
 *  |                          reserved                             | 28
 *  +---------------------------------------------------------------+
 *  |                    stream sequence (64), >= 1                 | 32
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |               payload (frame length - 40 bytes) ...           | 40
 * </pre>
 * Not thread-safe: one instance per thread.
 */
public final class DataFrame extends FrameHeader
{
    public static final int STREAM_OFFSET = HEADER_LENGTH;
    public static final int SEQUENCE_OFFSET = HEADER_LENGTH + 8;
    public static final int PAYLOAD_OFFSET = HEADER_LENGTH + 16;

    /**
     * @return the frame length for a payload of {@code payloadLength} bytes.
     */
    public static int frameLength(final int payloadLength)
    {
        return PAYLOAD_OFFSET + payloadLength;
    }

    /**
     * Encodes the {@link #PAYLOAD_OFFSET} bytes before a payload of {@code payloadLength} bytes: header, stream and
     * sequence. The payload is sent after them as the frame's second part, from wherever it lies.
     *
     * @return the frame length.
     */
    public int encodeHeader(
        final long clusterId, final long epoch, final int stream, final long sequence, final int payloadLength)
    {
        final int frameLength = frameLength(payloadLength);
        header(TYPE_DATA, frameLength, clusterId, epoch);
        buffer.putInt(offset + STREAM_OFFSET, stream, BYTE_ORDER);
        buffer.putInt(offset + STREAM_OFFSET + 4, 0, BYTE_ORDER);
        buffer.putLong(offset + SEQUENCE_OFFSET, sequence, BYTE_ORDER);
        return frameLength;
    }

    /**
     * Encodes a whole frame: header, stream, sequence and a copy of the payload.
     *
     * @return the frame length.
     */
    public int encode(
        final long clusterId,
        final long epoch,
        final int stream,
        final long sequence,
        final DirectBuffer payload,
        final int payloadOffset,
        final int payloadLength)
    {
        final int frameLength = encodeHeader(clusterId, epoch, stream, sequence, payloadLength);
        buffer.putBytes(offset + PAYLOAD_OFFSET, payload, payloadOffset, payloadLength);
        return frameLength;
    }

    public static int stream(final DirectBuffer buffer, final int offset)
    {
        return buffer.getInt(offset + STREAM_OFFSET, BYTE_ORDER);
    }

    public static long sequence(final DirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset + SEQUENCE_OFFSET, BYTE_ORDER);
    }

    static boolean isValid(final DirectBuffer buffer, final int offset, final int length, final int maxStreams)
    {
        if (length < PAYLOAD_OFFSET)
        {
            return false;
        }
        final int stream = stream(buffer, offset);
        return stream >= 0 && stream < maxStreams && sequence(buffer, offset) >= 1;
    }
}
