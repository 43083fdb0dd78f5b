package io.tandem.nvlog;

import org.agrona.MutableDirectBuffer;
import org.agrona.DirectBuffer;

import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * Flyweight over the NVLog's header, the first {@link #REGION_LENGTH} bytes of its NVRAM device. Written once
 * when the log is formatted; checked, never changed, every time it is opened.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                 magic "TNDMNVLG" (8 bytes)                    |  0
 *  +---------------------------------------------------------------+
 *  |                        format version                         |  8
 *  +---------------------------------------------------------------+
 *  |                     reserved (zero)                           | 12
 *  +---------------------------------------------------------------+
 *  |                  cluster id (int64)                           | 16
 *  +---------------------------------------------------------------+
 *  |                  half length in bytes (int64)                 | 24
 *  +---------------------------------------------------------------+
 *  |                  formatted at, epoch ms (int64)               | 32
 *  +---------------------------------------------------------------+
 *  |                  CRC32C of bytes 0 to 39                      | 40
 *  +---------------------------------------------------------------+
 * </pre>
 * Little-endian. Half 0 starts at {@link #REGION_LENGTH}, half 1 right after it.
 * <p>
 * Not thread-safe.
 */
final class LogHeader
{
    static final long MAGIC = 0x474C564E4D444E54L; // "TNDMNVLG" read little-endian
    static final int VERSION = 1;
    static final int REGION_LENGTH = 4096;

    static final int MAGIC_OFFSET = 0;
    static final int VERSION_OFFSET = 8;
    static final int CLUSTER_ID_OFFSET = 16;
    static final int HALF_LENGTH_OFFSET = 24;
    static final int FORMATTED_MS_OFFSET = 32;
    static final int CRC_OFFSET = 40;
    static final int LENGTH = 44;

    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private DirectBuffer buffer;

    LogHeader wrap(final DirectBuffer buffer)
    {
        this.buffer = buffer;
        return this;
    }

    void fill(final long clusterId, final long halfLength, final long formattedMs)
    {
        final MutableDirectBuffer out = (MutableDirectBuffer)buffer;
        out.setMemory(0, LENGTH, (byte)0);
        out.putLong(MAGIC_OFFSET, MAGIC, ORDER);
        out.putInt(VERSION_OFFSET, VERSION, ORDER);
        out.putLong(CLUSTER_ID_OFFSET, clusterId, ORDER);
        out.putLong(HALF_LENGTH_OFFSET, halfLength, ORDER);
        out.putLong(FORMATTED_MS_OFFSET, formattedMs, ORDER);
        out.putInt(CRC_OFFSET, computeCrc(), ORDER);
    }

    /**
     * @return true if every header byte is zero: a device that was never formatted.
     */
    boolean isBlank()
    {
        for (int i = 0; i < LENGTH; i++)
        {
            if (0 != buffer.getByte(i))
            {
                return false;
            }
        }
        return true;
    }

    long magic()
    {
        return buffer.getLong(MAGIC_OFFSET, ORDER);
    }

    int version()
    {
        return buffer.getInt(VERSION_OFFSET, ORDER);
    }

    long clusterId()
    {
        return buffer.getLong(CLUSTER_ID_OFFSET, ORDER);
    }

    long halfLength()
    {
        return buffer.getLong(HALF_LENGTH_OFFSET, ORDER);
    }

    long formattedMs()
    {
        return buffer.getLong(FORMATTED_MS_OFFSET, ORDER);
    }

    int crc()
    {
        return buffer.getInt(CRC_OFFSET, ORDER);
    }

    int computeCrc()
    {
        final CRC32C crc = new CRC32C();
        for (int i = 0; i < CRC_OFFSET; i++)
        {
            crc.update(buffer.getByte(i));
        }
        return (int)crc.getValue();
    }
}
