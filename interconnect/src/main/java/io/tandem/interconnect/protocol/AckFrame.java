package io.tandem.interconnect.protocol;

import org.agrona.DirectBuffer;

import static io.tandem.interconnect.protocol.FrameHeader.BYTE_ORDER;
import static io.tandem.interconnect.protocol.FrameHeader.HEADER_LENGTH;

/**
 * Cumulative acknowledgements, secondary to primary: for each entry, every record of that stream up to and
 * including the sequence is durable on the secondary.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                    header ({@link FrameHeader})                |  0
 *  +---------------------------------------------------------------+
 *  |                        entry count                            | 24
 *  +---------------------------------------------------------------+
 *  |                          reserved                             | 28
 *  +---------------------------------------------------------------+
 *  |  entry 0: stream (32) | reserved (32) | durable sequence (64)  | 32
 *  +---------------------------------------------------------------+
 *  |  entry 1 ...                                                  | 48
 * </pre>
 * Not thread-safe: one instance per thread.
 */
public final class AckFrame extends FrameHeader
{
    public static final int ENTRY_COUNT_OFFSET = HEADER_LENGTH;
    public static final int ENTRIES_OFFSET = HEADER_LENGTH + 8;
    public static final int ENTRY_LENGTH = 16;
    public static final int ENTRY_STREAM_OFFSET = 0;
    public static final int ENTRY_SEQUENCE_OFFSET = 8;

    /**
     * @return the frame length holding {@code entryCount} entries.
     */
    public static int frameLength(final int entryCount)
    {
        return ENTRIES_OFFSET + entryCount * ENTRY_LENGTH;
    }

    /**
     * Starts a frame with no entries; add them with {@link #entry(int, int, long)} then {@link #entryCount(int)}.
     */
    public AckFrame begin(final long clusterId, final long epoch)
    {
        header(TYPE_ACK, frameLength(0), clusterId, epoch);
        buffer.putInt(offset + ENTRY_COUNT_OFFSET, 0, BYTE_ORDER);
        buffer.putInt(offset + ENTRY_COUNT_OFFSET + 4, 0, BYTE_ORDER);
        return this;
    }

    public AckFrame entry(final int index, final int stream, final long sequence)
    {
        final int entryOffset = offset + ENTRIES_OFFSET + index * ENTRY_LENGTH;
        buffer.putInt(entryOffset + ENTRY_STREAM_OFFSET, stream, BYTE_ORDER);
        buffer.putInt(entryOffset + ENTRY_STREAM_OFFSET + 4, 0, BYTE_ORDER);
        buffer.putLong(entryOffset + ENTRY_SEQUENCE_OFFSET, sequence, BYTE_ORDER);
        return this;
    }

    /**
     * Sets the entry count and the frame length to match.
     *
     * @return the frame length.
     */
    public int entryCount(final int entryCount)
    {
        buffer.putInt(offset + ENTRY_COUNT_OFFSET, entryCount, BYTE_ORDER);
        final int frameLength = frameLength(entryCount);
        buffer.putInt(offset + FRAME_LENGTH_OFFSET, frameLength, BYTE_ORDER);
        return frameLength;
    }

    public static int entryCount(final DirectBuffer buffer, final int offset)
    {
        return buffer.getInt(offset + ENTRY_COUNT_OFFSET, BYTE_ORDER);
    }

    public static int entryStream(final DirectBuffer buffer, final int offset, final int index)
    {
        return buffer.getInt(offset + ENTRIES_OFFSET + index * ENTRY_LENGTH + ENTRY_STREAM_OFFSET, BYTE_ORDER);
    }

    public static long entrySequence(final DirectBuffer buffer, final int offset, final int index)
    {
        return buffer.getLong(offset + ENTRIES_OFFSET + index * ENTRY_LENGTH + ENTRY_SEQUENCE_OFFSET, BYTE_ORDER);
    }

    static boolean isValid(final DirectBuffer buffer, final int offset, final int length, final int maxStreams)
    {
        if (length < ENTRIES_OFFSET)
        {
            return false;
        }
        final int count = entryCount(buffer, offset);
        if (count < 0 || count > maxStreams || length != frameLength(count))
        {
            return false;
        }
        for (int i = 0; i < count; i++)
        {
            final int stream = entryStream(buffer, offset, i);
            if (stream < 0 || stream >= maxStreams || entrySequence(buffer, offset, i) < 0)
            {
                return false;
            }
        }
        return true;
    }
}
