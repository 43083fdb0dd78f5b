package io.tandem.nvlog;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogRecordTest
{
    private final CRC32C crc = new CRC32C();

    private static void encode(final UnsafeBuffer buffer, final int at, final int payloadLength, final CRC32C crc)
    {
        final LogRecord record = new LogRecord().wrap(buffer, at).header(RecordType.WRITE, (short)0x0102, 7,
            Long.MAX_VALUE - 1, 0x1122334455667788L, 42, -3, 0x7fff_ffff_0000L, payloadLength);
        for (int i = 0; i < payloadLength; i++)
        {
            buffer.putByte(record.payloadOffset() + i, (byte)(i * 13 + 1));
        }
        record.seal(crc);
    }

    @Test
    void everyFieldRoundTripsAtItsOffset()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        encode(buffer, 16, 13, crc);
        final LogRecord record = new LogRecord().wrap(buffer, 16);
        assertEquals(LogRecord.HEADER_LENGTH + 13, record.frameLength());
        assertEquals(RecordType.WRITE, record.type());
        assertEquals((short)0x0102, record.flags());
        assertEquals(7, record.stream());
        assertEquals(Long.MAX_VALUE - 1, record.streamSequence());
        assertEquals(0x1122334455667788L, record.lsn());
        assertEquals(42, record.epoch());
        assertEquals(-3, record.volume());
        assertEquals(0x7fff_ffff_0000L, record.volumeOffset());
        assertEquals(13, record.payloadLength());
        assertEquals(16 + 56, record.payloadOffset());
        assertEquals(72, record.alignedLength());
        assertEquals(1, buffer.getByte(record.payloadOffset()));
        assertTrue(record.crcMatches(crc));
        // layout is little-endian at the documented offsets
        assertEquals(7, buffer.getByte(16 + LogRecord.STREAM_OFFSET));
        assertEquals((byte)0x88, buffer.getByte(16 + LogRecord.LSN_OFFSET));
    }

    @Test
    void alignmentPaddingIsZeroedAndLengthsAlign()
    {
        assertEquals(56, LogRecord.alignedLength(0));
        assertEquals(64, LogRecord.alignedLength(1));
        assertEquals(64, LogRecord.alignedLength(8));
        assertEquals(72, LogRecord.alignedLength(9));
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        buffer.setMemory(0, 256, (byte)0xff);
        encode(buffer, 0, 9, crc);
        for (int i = 56 + 9; i < 72; i++)
        {
            assertEquals(0, buffer.getByte(i), "padding byte " + i);
        }
    }

    @Test
    void aFlippedBitAnywhereInTheAlignedRecordFailsTheCrc()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        encode(buffer, 0, 21, crc);
        final LogRecord record = new LogRecord().wrap(buffer, 0);
        final int aligned = record.alignedLength();
        for (int i = 0; i < aligned; i++)
        {
            if (i >= LogRecord.CRC_OFFSET && i < LogRecord.CRC_OFFSET + 4)
            {
                continue;
            }
            for (int bit = 0; bit < 8; bit++)
            {
                buffer.putByte(i, (byte)(buffer.getByte(i) ^ (1 << bit)));
                final boolean lengthStillFits = record.alignedLength() <= buffer.capacity() && record.frameLength() > 0;
                assertFalse(lengthStillFits && record.crcMatches(crc), "flip of bit " + bit + " of byte " + i);
                buffer.putByte(i, (byte)(buffer.getByte(i) ^ (1 << bit)));
            }
        }
        assertTrue(record.crcMatches(crc));
    }

    @Test
    void heapAndDirectBuffersAgreeOnTheCrc()
    {
        final UnsafeBuffer heap = new UnsafeBuffer(new byte[512]);
        final UnsafeBuffer direct = new UnsafeBuffer(BufferUtil.allocateDirectAligned(512, 64));
        final UnsafeBuffer slice = new UnsafeBuffer(direct, 64, 256);
        encode(heap, 8, 100, crc);
        encode(slice, 8, 100, crc);
        assertEquals(new LogRecord().wrap(heap, 8).crc(), new LogRecord().wrap(slice, 8).crc());
        assertTrue(new LogRecord().wrap(direct, 72).crcMatches(crc));
    }
}
