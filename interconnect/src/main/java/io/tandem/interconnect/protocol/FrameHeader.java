package io.tandem.interconnect.protocol;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * The header every interconnect frame starts with, as a flyweight over a buffer. Little-endian.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------+---------------+-------------------------------+
 *  |    version    |     type      |          reserved             |  0
 *  +---------------+---------------+-------------------------------+
 *  |                  frame length (whole frame)                   |  4
 *  +---------------------------------------------------------------+
 *  |                        cluster id (64)                        |  8
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                    sender's epoch (64)                        | 16
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                   type-specific body ...                      | 24
 * </pre>
 * {@link #check(DirectBuffer, int, int, long, long, int)} is the one place that decides whether a frame that came
 * off the wire may be looked at further; everything it refuses is counted by the caller and dropped.
 * <p>
 * Not thread-safe: one instance per thread.
 */
public class FrameHeader
{
    public static final ByteOrder BYTE_ORDER = ByteOrder.LITTLE_ENDIAN;

    public static final byte CURRENT_VERSION = 1;

    public static final int VERSION_OFFSET = 0;
    public static final int TYPE_OFFSET = 1;
    public static final int FRAME_LENGTH_OFFSET = 4;
    public static final int CLUSTER_ID_OFFSET = 8;
    public static final int EPOCH_OFFSET = 16;
    public static final int HEADER_LENGTH = 24;

    /** Record bytes of one stream position, primary to secondary. */
    public static final byte TYPE_DATA = 1;
    /** Cumulative acknowledgements, secondary to primary. */
    public static final byte TYPE_ACK = 2;
    /** Liveness, both ways on every path. */
    public static final byte TYPE_HEARTBEAT = 3;

    /** {@link #check} verdict: the frame may be decoded. */
    public static final int VALID = 0;
    /** {@link #check} verdict: too short, unknown version or type, or lengths that do not add up. */
    public static final int MALFORMED = 1;
    /** {@link #check} verdict: well formed but from another cluster. */
    public static final int OTHER_CLUSTER = 2;
    /** {@link #check} verdict: well formed, this cluster, but not the epoch this endpoint runs in. */
    public static final int WRONG_EPOCH = 3;

    protected MutableDirectBuffer buffer;
    protected int offset;

    public FrameHeader wrap(final MutableDirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    public MutableDirectBuffer buffer()
    {
        return buffer;
    }

    public int offset()
    {
        return offset;
    }

    /**
     * Writes a complete header.
     *
     * @return this.
     */
    public FrameHeader header(final byte type, final int frameLength, final long clusterId, final long epoch)
    {
        buffer.putByte(offset + VERSION_OFFSET, CURRENT_VERSION);
        buffer.putByte(offset + TYPE_OFFSET, type);
        buffer.putShort(offset + TYPE_OFFSET + 1, (short)0, BYTE_ORDER);
        buffer.putInt(offset + FRAME_LENGTH_OFFSET, frameLength, BYTE_ORDER);
        buffer.putLong(offset + CLUSTER_ID_OFFSET, clusterId, BYTE_ORDER);
        buffer.putLong(offset + EPOCH_OFFSET, epoch, BYTE_ORDER);
        return this;
    }

    public static byte type(final DirectBuffer buffer, final int offset)
    {
        return buffer.getByte(offset + TYPE_OFFSET);
    }

    public static int frameLength(final DirectBuffer buffer, final int offset)
    {
        return buffer.getInt(offset + FRAME_LENGTH_OFFSET, BYTE_ORDER);
    }

    public static long clusterId(final DirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset + CLUSTER_ID_OFFSET, BYTE_ORDER);
    }

    public static long epoch(final DirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset + EPOCH_OFFSET, BYTE_ORDER);
    }

    /**
     * Decides whether {@code length} bytes received at {@code offset} are a frame this endpoint accepts.
     *
     * @param maxStreams streams are numbered 0 to maxStreams - 1; a frame naming another is malformed.
     * @return {@link #VALID}, {@link #MALFORMED}, {@link #OTHER_CLUSTER} or {@link #WRONG_EPOCH}.
     */
    public static int check(
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final long clusterId,
        final long epoch,
        final int maxStreams)
    {
        if (length < HEADER_LENGTH ||
            buffer.getByte(offset + VERSION_OFFSET) != CURRENT_VERSION ||
            frameLength(buffer, offset) != length)
        {
            return MALFORMED;
        }
        final boolean bodyValid;
        switch (type(buffer, offset))
        {
            case TYPE_DATA:
                bodyValid = DataFrame.isValid(buffer, offset, length, maxStreams);
                break;
            case TYPE_ACK:
                bodyValid = AckFrame.isValid(buffer, offset, length, maxStreams);
                break;
            case TYPE_HEARTBEAT:
                bodyValid = HeartbeatFrame.LENGTH == length;
                break;
            default:
                bodyValid = false;
        }
        if (!bodyValid)
        {
            return MALFORMED;
        }
        if (clusterId(buffer, offset) != clusterId)
        {
            return OTHER_CLUSTER;
        }
        if (epoch(buffer, offset) != epoch)
        {
            return WRONG_EPOCH;
        }
        return VALID;
    }
}
