package io.tandem.interconnect;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Test records whose bytes say which (stream, sequence) they are, so a sink can prove what it received:
 * <pre>
 *  | stream (32) | sequence (64) | filler: (byte)(sequence + i) for each following byte i |
 * </pre>
 */
final class Payloads
{
    static final int MIN_LENGTH = 12;

    private Payloads()
    {
    }

    static int encode(final MutableDirectBuffer buffer, final int stream, final long sequence, final int length)
    {
        buffer.putInt(0, stream, ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(4, sequence, ByteOrder.LITTLE_ENDIAN);
        for (int i = MIN_LENGTH; i < length; i++)
        {
            buffer.putByte(i, (byte)(sequence + i));
        }
        return length;
    }

    /**
     * @return null when the record is what it claims, else what is wrong with it.
     */
    static String check(
        final int stream, final long sequence, final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < MIN_LENGTH)
        {
            return "short record " + length;
        }
        final int encodedStream = buffer.getInt(offset, ByteOrder.LITTLE_ENDIAN);
        final long encodedSequence = buffer.getLong(offset + 4, ByteOrder.LITTLE_ENDIAN);
        if (encodedStream != stream || encodedSequence != sequence)
        {
            return "record says " + encodedStream + "/" + encodedSequence + " but came as " + stream + "/" + sequence;
        }
        for (int i = MIN_LENGTH; i < length; i++)
        {
            if (buffer.getByte(offset + i) != (byte)(sequence + i))
            {
                return "corrupt byte " + i + " in " + stream + "/" + sequence;
            }
        }
        return null;
    }
}
