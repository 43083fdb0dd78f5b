package io.tandem.nvlog;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * Flyweight over a slot in the NVLog's header region: one value kept with its CRC and written in place (unlike
 * the {@link LogHeader}, which is written once). Two slots: at {@link #HELD_GENERATION_OFFSET}, the mirror
 * generation the log holds complete; at {@link #ACKED_ALONE_OFFSET}, the epoch in which the controller that
 * wrote the log acknowledged writes no mirror holds.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                  value (int64)                                |  0
 *  +---------------------------------------------------------------+
 *  |                  CRC32C of bytes 0 to 7                       |  8
 *  +---------------------------------------------------------------+
 * </pre>
 * Little-endian. A slot that was never written, or torn (its CRC fails), reads as 0: no generation held, no
 * write acknowledged alone.
 * <p>
 * Not thread-safe.
 */
final class HeaderSlot
{
    static final int HELD_GENERATION_OFFSET = 512;
    static final int ACKED_ALONE_OFFSET = 576;
    static final int VALUE_OFFSET = 0;
    static final int CRC_OFFSET = 8;
    static final int LENGTH = 12;

    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private DirectBuffer buffer;
    private int base;

    /**
     * Wraps the slot at {@code offset} of {@code buffer}: a slot's offset in a device's view, or 0 of a buffer
     * the slot is encoded in before it is written.
     */
    HeaderSlot wrap(final DirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.base = offset;
        return this;
    }

    void fill(final long value)
    {
        final MutableDirectBuffer out = (MutableDirectBuffer)buffer;
        out.putLong(base + VALUE_OFFSET, value, ORDER);
        out.putInt(base + CRC_OFFSET, crc(), ORDER);
    }

    /**
     * @return the value recorded, or 0 if none was, or the slot is torn.
     */
    long value()
    {
        return buffer.getInt(base + CRC_OFFSET, ORDER) == crc() ? buffer.getLong(base + VALUE_OFFSET, ORDER) : 0;
    }

    private int crc()
    {
        final CRC32C crc = new CRC32C();
        for (int i = 0; i < CRC_OFFSET; i++)
        {
            crc.update(buffer.getByte(base + i));
        }
        return (int)crc.getValue();
    }
}
