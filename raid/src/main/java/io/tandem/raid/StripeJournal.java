package io.tandem.raid;

import io.tandem.staging.block.BlockDevice;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * Closes the RAID-5/6 write hole of a degraded array. When a stripe is updated in part while one of its data
 * chunks is lost, a crash between the members' writes would leave parity that no longer rebuilds the lost chunk,
 * and no log holds that chunk, since no client wrote it. So before such an update the lost chunks' rows, as they
 * must read afterwards, are written to every member that holds the stripe, in the journal slot of the stripe's
 * lock; at assembly an entry of the current journal generation whose lost chunks are still lost is applied (P and
 * Q written again from the data on disk and the journalled chunks), and the NVLog's replay then writes the
 * clients' blocks again. An entry torn by the crash fails its checksum and is void: the update it would have
 * covered had not started. A member that becomes whole again starts a new generation, voiding every entry.
 * <pre>
 *   entry header block: 0 magic "TNDMJRNL"  8 generation  16 stripe  24 row  28 rows  32 lost data chunks (bits)
 *                       36 CRC32C of the journalled rows  40 CRC32C of bytes 0 to 39
 *   then, for each lost data chunk in order, its rows
 * </pre>
 * Not thread-safe: called under the stripe's lock, with the caller's scratch.
 */
final class StripeJournal
{
    static final long MAGIC = 0x4C4E524A4D444E54L; // "TNDMJRNL" read little-endian
    private static final int GENERATION_OFFSET = 8;
    private static final int STRIPE_OFFSET = 16;
    private static final int ROW_OFFSET = 24;
    private static final int ROWS_OFFSET = 28;
    private static final int LOST_OFFSET = 32;
    private static final int DATA_CRC_OFFSET = 36;
    private static final int HEADER_CRC_OFFSET = 40;
    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private final ArrayGeometry geometry;
    private final int blockSize;

    StripeJournal(final ArrayGeometry geometry)
    {
        this.geometry = geometry;
        this.blockSize = geometry.blockSize();
    }

    /**
     * Encodes the entry for rows {@code [row, row + rows)} of {@code stripe} whose data chunks in {@code lost}
     * (bits by data index) are lost, their rows as in {@code s.data}, into {@code s.journal}.
     *
     * @return the entry's length in bytes.
     */
    int encode(final StripeScratch s, final long generation, final long stripe, final int row, final int rows,
        final int lost)
    {
        final ByteBuffer entry = s.journal.clear();
        final UnsafeBuffer header = s.journalHeader;
        header.setMemory(0, blockSize, (byte)0);
        final int length = rows * blockSize;
        int at = blockSize;
        final CRC32C crc = s.crc;
        crc.reset();
        for (int i = 0; i < geometry.dataMembers(); i++)
        {
            if ((lost & (1 << i)) != 0)
            {
                entry.position(at);
                entry.put(s.data[i], 0, length);
                crc.update(s.data[i], 0, length);
                at += length;
            }
        }
        header.putLong(0, MAGIC, ORDER);
        header.putLong(GENERATION_OFFSET, generation, ORDER);
        header.putLong(STRIPE_OFFSET, stripe, ORDER);
        header.putInt(ROW_OFFSET, row, ORDER);
        header.putInt(ROWS_OFFSET, rows, ORDER);
        header.putInt(LOST_OFFSET, lost, ORDER);
        header.putInt(DATA_CRC_OFFSET, (int)crc.getValue(), ORDER);
        header.putInt(HEADER_CRC_OFFSET, headerCrc(s), ORDER);
        entry.clear().limit(at);
        return at;
    }

    /**
     * Reads slot {@code slot}'s entry from {@code device} into {@code s.journal}.
     *
     * @return true if a whole, uncorrupted entry of {@code generation} is there.
     */
    boolean read(final BlockDevice device, final int slot, final long generation, final StripeScratch s)
        throws IOException
    {
        final ByteBuffer entry = s.journal.clear().limit(blockSize);
        device.read(geometry.journalBlock(slot), entry);
        final UnsafeBuffer header = s.journalHeader;
        if (header.getLong(0, ORDER) != MAGIC || header.getInt(HEADER_CRC_OFFSET, ORDER) != headerCrc(s) ||
            header.getLong(GENERATION_OFFSET, ORDER) != generation)
        {
            return false;
        }
        final int rows = rows(s);
        final int lost = lost(s);
        if (rows < 1 || row(s) < 0 || row(s) + rows > geometry.chunkBlocks() || Integer.bitCount(lost) < 1 ||
            Integer.bitCount(lost) > 2 || stripe(s) < 0 || stripe(s) >= geometry.stripeCount())
        {
            return false;
        }
        final int length = blockSize + Integer.bitCount(lost) * rows * blockSize;
        entry.clear().position(blockSize).limit(length);
        device.read(geometry.journalBlock(slot) + 1, entry);
        s.crc.reset();
        s.crc.update(s.journal.array(), blockSize, length - blockSize);
        return header.getInt(DATA_CRC_OFFSET, ORDER) == (int)s.crc.getValue();
    }

    long stripe(final StripeScratch s)
    {
        return s.journalHeader.getLong(STRIPE_OFFSET, ORDER);
    }

    int row(final StripeScratch s)
    {
        return s.journalHeader.getInt(ROW_OFFSET, ORDER);
    }

    int rows(final StripeScratch s)
    {
        return s.journalHeader.getInt(ROWS_OFFSET, ORDER);
    }

    int lost(final StripeScratch s)
    {
        return s.journalHeader.getInt(LOST_OFFSET, ORDER);
    }

    /**
     * Copies the journalled rows of each lost data chunk into {@code s.data}.
     */
    void restore(final StripeScratch s)
    {
        final int length = rows(s) * blockSize;
        final int lost = lost(s);
        int at = blockSize;
        for (int i = 0; i < geometry.dataMembers(); i++)
        {
            if ((lost & (1 << i)) != 0)
            {
                System.arraycopy(s.journal.array(), at, s.data[i], 0, length);
                at += length;
            }
        }
    }

    private static int headerCrc(final StripeScratch s)
    {
        s.crc.reset();
        s.crc.update(s.journal.array(), 0, HEADER_CRC_OFFSET);
        return (int)s.crc.getValue();
    }
}
