package io.tandem.nvlog;

import org.agrona.BitUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * Flyweight over one NVLog record, the unit that is logged locally, mirrored to the partner and replayed.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |              frame length (header + payload bytes)            |  0
 *  +---------------------------------------------------------------+
 *  |   CRC32C of bytes 0-3 and 8 to the aligned end of the record   |  4
 *  +-------------------------------+-------------------------------+
 *  |             type              |             flags             |  8
 *  +-------------------------------+-------------------------------+
 *  |                           stream id                           | 12
 *  +---------------------------------------------------------------+
 *  |                   stream sequence (int64)                     | 16
 *  +---------------------------------------------------------------+
 *  |                  global LSN (int64)                           | 24
 *  +---------------------------------------------------------------+
 *  |                  epoch (int64)                                | 32
 *  +---------------------------------------------------------------+
 *  |                           volume                              | 40
 *  +---------------------------------------------------------------+
 *  |                        payload length                         | 44
 *  +---------------------------------------------------------------+
 *  |                  volume byte offset (int64)                   | 48
 *  +---------------------------------------------------------------+
 *  |                  payload (payload length bytes)             ...  56
 *  +---------------------------------------------------------------+
 * </pre>
 * Little-endian. Records are laid out back to back, each starting at a multiple of {@link #ALIGNMENT}; the
 * bytes between a record's end and the next aligned address are zero. The CRC covers the frame length, every
 * header field, the payload and those zeros, so a record torn or flipped anywhere is refused.
 * <p>
 * Not thread-safe: one flyweight per thread.
 */
public final class LogRecord
{
    public static final int FRAME_LENGTH_OFFSET = 0;
    public static final int CRC_OFFSET = 4;
    public static final int TYPE_OFFSET = 8;
    public static final int FLAGS_OFFSET = 10;
    public static final int STREAM_OFFSET = 12;
    public static final int STREAM_SEQUENCE_OFFSET = 16;
    public static final int LSN_OFFSET = 24;
    public static final int EPOCH_OFFSET = 32;
    public static final int VOLUME_OFFSET = 40;
    public static final int PAYLOAD_LENGTH_OFFSET = 44;
    public static final int OFFSET_OFFSET = 48;
    public static final int HEADER_LENGTH = 56;

    public static final int ALIGNMENT = 8;

    /** The stream id of control records, which belong to no stream. */
    public static final int CONTROL_STREAM = -1;

    /** On a {@link RecordType#HALF_START} record: the half was released. */
    public static final short FLAG_RELEASED = 1;

    /**
     * On a {@link RecordType#ZERO} record: the whole blocks it zeroes may be deallocated (a hole: NBD
     * WRITE_ZEROES without NO_HOLE, or TRIM); without it they stay allocated, reading as zeroes.
     */
    public static final short FLAG_HOLE = 1;

    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;
    /** Buffers whose checksum views are kept: 8 paths of 3 Aeron terms each, and the log's own buffers. */
    private static final int CRC_VIEWS = 32;

    private DirectBuffer buffer;
    private MutableDirectBuffer mutableBuffer;
    private int offset;
    private final ByteBuffer[] crcViews = new ByteBuffer[CRC_VIEWS];
    private final ByteBuffer[] crcViewsOf = new ByteBuffer[CRC_VIEWS];
    private int nextCrcView;

    /**
     * Wraps a record for reading.
     */
    public LogRecord wrap(final DirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.mutableBuffer = buffer instanceof MutableDirectBuffer ? (MutableDirectBuffer)buffer : null;
        this.offset = offset;
        return this;
    }

    /**
     * @return the length a record of this payload takes in the log, padding included.
     */
    public static int alignedLength(final int payloadLength)
    {
        return BitUtil.align(HEADER_LENGTH + payloadLength, ALIGNMENT);
    }

    /**
     * Writes a whole record header at the wrapped offset; the payload must already be (or be put) at
     * {@link #payloadOffset()}. Call {@link #seal()} after the payload is in place.
     */
    public LogRecord header(
        final short type,
        final short flags,
        final int stream,
        final long streamSequence,
        final long lsn,
        final long epoch,
        final int volume,
        final long volumeOffset,
        final int payloadLength)
    {
        final MutableDirectBuffer out = mutableBuffer;
        out.putInt(offset + FRAME_LENGTH_OFFSET, HEADER_LENGTH + payloadLength, ORDER);
        out.putInt(offset + CRC_OFFSET, 0, ORDER);
        out.putShort(offset + TYPE_OFFSET, type, ORDER);
        out.putShort(offset + FLAGS_OFFSET, flags, ORDER);
        out.putInt(offset + STREAM_OFFSET, stream, ORDER);
        out.putLong(offset + STREAM_SEQUENCE_OFFSET, streamSequence, ORDER);
        out.putLong(offset + LSN_OFFSET, lsn, ORDER);
        out.putLong(offset + EPOCH_OFFSET, epoch, ORDER);
        out.putInt(offset + VOLUME_OFFSET, volume, ORDER);
        out.putInt(offset + PAYLOAD_LENGTH_OFFSET, payloadLength, ORDER);
        out.putLong(offset + OFFSET_OFFSET, volumeOffset, ORDER);
        return this;
    }

    /**
     * Zeroes the alignment padding after the payload and stores the CRC.
     *
     * @param crc a reusable checksum; reset here.
     */
    public void seal(final CRC32C crc)
    {
        final int frameLength = frameLength();
        final int aligned = BitUtil.align(frameLength, ALIGNMENT);
        if (aligned > frameLength)
        {
            mutableBuffer.setMemory(offset + frameLength, aligned - frameLength, (byte)0);
        }
        mutableBuffer.putInt(offset + CRC_OFFSET, computeCrc(crc, aligned), ORDER);
    }

    /**
     * @return the CRC stored in the record matches its bytes; only meaningful once {@link #alignedLength()}
     * was checked to lie inside the buffer.
     */
    public boolean crcMatches(final CRC32C crc)
    {
        return crc() == computeCrc(crc, alignedLength());
    }

    /**
     * @return true if a record in {@code buffer} can be checksummed where it lies: the buffer has an array or a
     * {@link ByteBuffer} behind it, not raw memory alone.
     */
    public static boolean checksumsInPlace(final DirectBuffer buffer)
    {
        return null != buffer.byteArray() || null != buffer.byteBuffer();
    }

    private int computeCrc(final CRC32C crc, final int alignedLength)
    {
        crc.reset();
        final int start = buffer.wrapAdjustment() + offset;
        final byte[] array = buffer.byteArray();
        if (null != array)
        {
            crc.update(array, start + FRAME_LENGTH_OFFSET, CRC_OFFSET);
            crc.update(array, start + TYPE_OFFSET, alignedLength - TYPE_OFFSET);
        }
        else
        {
            final ByteBuffer view = crcView();
            update(crc, view, start + FRAME_LENGTH_OFFSET, CRC_OFFSET);
            update(crc, view, start + TYPE_OFFSET, alignedLength - TYPE_OFFSET);
        }
        return (int)crc.getValue();
    }

    private ByteBuffer crcView()
    {
        final ByteBuffer bytes = buffer.byteBuffer();
        for (int i = 0; i < CRC_VIEWS; i++)
        {
            if (crcViewsOf[i] == bytes)
            {
                return crcViews[i];
            }
        }
        // one duplicate per buffer, kept for the last few buffers: the secondary checks records where they
        // arrived, in the term buffers of every path in turn, and checksumming allocates nothing in steady state
        final int slot = nextCrcView;
        nextCrcView = (nextCrcView + 1) % CRC_VIEWS;
        crcViews[slot] = bytes.duplicate();
        crcViewsOf[slot] = bytes;
        return crcViews[slot];
    }

    private static void update(final CRC32C crc, final ByteBuffer view, final int position, final int length)
    {
        view.limit(position + length).position(position);
        crc.update(view);
    }

    public int offset()
    {
        return offset;
    }

    public DirectBuffer buffer()
    {
        return buffer;
    }

    public int frameLength()
    {
        return buffer.getInt(offset + FRAME_LENGTH_OFFSET, ORDER);
    }

    /**
     * @return the bytes this record takes in the log, padding included.
     */
    public int alignedLength()
    {
        return BitUtil.align(frameLength(), ALIGNMENT);
    }

    public int crc()
    {
        return buffer.getInt(offset + CRC_OFFSET, ORDER);
    }

    public short type()
    {
        return buffer.getShort(offset + TYPE_OFFSET, ORDER);
    }

    public short flags()
    {
        return buffer.getShort(offset + FLAGS_OFFSET, ORDER);
    }

    public int stream()
    {
        return buffer.getInt(offset + STREAM_OFFSET, ORDER);
    }

    public long streamSequence()
    {
        return buffer.getLong(offset + STREAM_SEQUENCE_OFFSET, ORDER);
    }

    public long lsn()
    {
        return buffer.getLong(offset + LSN_OFFSET, ORDER);
    }

    public long epoch()
    {
        return buffer.getLong(offset + EPOCH_OFFSET, ORDER);
    }

    public int volume()
    {
        return buffer.getInt(offset + VOLUME_OFFSET, ORDER);
    }

    public int payloadLength()
    {
        return buffer.getInt(offset + PAYLOAD_LENGTH_OFFSET, ORDER);
    }

    public long volumeOffset()
    {
        return buffer.getLong(offset + OFFSET_OFFSET, ORDER);
    }

    public int payloadOffset()
    {
        return offset + HEADER_LENGTH;
    }

    public String toString()
    {
        return RecordType.name(type()) + "{stream=" + stream() + ", seq=" + streamSequence() + ", lsn=" + lsn() +
            ", epoch=" + epoch() + ", volume=" + volume() + ", offset=" + volumeOffset() +
            ", length=" + payloadLength() + "}";
    }
}
