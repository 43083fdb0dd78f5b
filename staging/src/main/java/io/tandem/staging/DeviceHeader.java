package io.tandem.staging;

import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * Flyweight over the header block at the start of a device file. The device's bytes follow it, so address
 * {@code a} lives at file offset {@code blockSize + a}.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                 magic "TNDMNVRM" (8 bytes)                    |
 *  +---------------------------------------------------------------+
 *  |                        format version                         |
 *  +---------------------------------------------------------------+
 *  |                          block size                           |
 *  +---------------------------------------------------------------+
 *  |                     capacity in bytes (int64)                 |
 *  +---------------------------------------------------------------+
 *  |                  created, epoch ms (int64)                    |
 *  +---------------------------------------------------------------+
 *  |                 CRC32C of bytes 0 to 31                       |
 *  +---------------------------------------------------------------+
 * </pre>
 * Little-endian. Not thread-safe.
 */
final class DeviceHeader
{
    static final long MAGIC = 0x4D52564E4D444E54L; // "TNDMNVRM" read little-endian
    static final int VERSION = 1;

    static final int MAGIC_OFFSET = 0;
    static final int VERSION_OFFSET = 8;
    static final int BLOCK_SIZE_OFFSET = 12;
    static final int CAPACITY_OFFSET = 16;
    static final int CREATED_MS_OFFSET = 24;
    static final int CRC_OFFSET = 32;
    static final int LENGTH = 36;

    private MutableDirectBuffer buffer;

    DeviceHeader wrap(final MutableDirectBuffer buffer)
    {
        this.buffer = buffer;
        return this;
    }

    void fill(final int blockSize, final long capacity, final long createdMs)
    {
        buffer.putLong(MAGIC_OFFSET, MAGIC, ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(VERSION_OFFSET, VERSION, ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(BLOCK_SIZE_OFFSET, blockSize, ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(CAPACITY_OFFSET, capacity, ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(CREATED_MS_OFFSET, createdMs, ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(CRC_OFFSET, computeCrc(), ByteOrder.LITTLE_ENDIAN);
    }

    long magic()
    {
        return buffer.getLong(MAGIC_OFFSET, ByteOrder.LITTLE_ENDIAN);
    }

    int version()
    {
        return buffer.getInt(VERSION_OFFSET, ByteOrder.LITTLE_ENDIAN);
    }

    int blockSize()
    {
        return buffer.getInt(BLOCK_SIZE_OFFSET, ByteOrder.LITTLE_ENDIAN);
    }

    long capacity()
    {
        return buffer.getLong(CAPACITY_OFFSET, ByteOrder.LITTLE_ENDIAN);
    }

    int crc()
    {
        return buffer.getInt(CRC_OFFSET, ByteOrder.LITTLE_ENDIAN);
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
