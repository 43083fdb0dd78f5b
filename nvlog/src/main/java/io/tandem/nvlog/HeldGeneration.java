package io.tandem.nvlog;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * Flyweight over the slot in the NVLog's header region that says which mirror generation the log holds
 * complete, written in place (unlike the {@link LogHeader}, which is written once) at {@link #OFFSET}.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                  mirror generation (int64)                    |  0
 *  +---------------------------------------------------------------+
 *  |                  CRC32C of bytes 0 to 7                       |  8
 *  +---------------------------------------------------------------+
 * </pre>
 * Little-endian. A slot that was never written, or torn (its CRC fails), reads as generation 0: the log is
 * trusted with no generation, the safe reading.
 * <p>
 * Not thread-safe.
 */
final class HeldGeneration
{
    static final int OFFSET = 512;
    static final int GENERATION_OFFSET = 0;
    static final int CRC_OFFSET = 8;
    static final int LENGTH = 12;

    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private DirectBuffer buffer;
    private int base;

    /**
     * Wraps the slot at {@code offset} of {@code buffer}: {@link #OFFSET} of a device's view, or 0 of a buffer
     * the slot is encoded in before it is written.
     */
    HeldGeneration wrap(final DirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.base = offset;
        return this;
    }

    void fill(final long generation)
    {
        final MutableDirectBuffer out = (MutableDirectBuffer)buffer;
        out.putLong(base + GENERATION_OFFSET, generation, ORDER);
        out.putInt(base + CRC_OFFSET, crc(), ORDER);
    }

    /**
     * @return the generation recorded, or 0 if none was, or the slot is torn.
     */
    long generation()
    {
        return buffer.getInt(base + CRC_OFFSET, ORDER) == crc() ? buffer.getLong(base + GENERATION_OFFSET, ORDER) : 0;
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
