package io.tandem.raid;

import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * A thread's working space for one stripe: a chunk-sized column per member, views of them as the stripe's data
 * chunks, P and Q, and which members' columns were read. Allocated once per thread that does I/O on an array.
 * <p>
 * Not thread-safe: one thread's.
 */
final class StripeScratch
{
    final byte[][] columns;
    final ByteBuffer[] views;
    final byte[][] data;
    final boolean[] present;
    final byte[] p;
    final byte[] q;
    /** A lost-chunk journal entry: a header block, then up to two chunks ({@link StripeJournal}). */
    final ByteBuffer journal;
    final UnsafeBuffer journalHeader;
    final CRC32C crc = new CRC32C();

    StripeScratch(final ArrayGeometry geometry)
    {
        final int width = geometry.width();
        columns = new byte[width][geometry.chunkBytes()];
        views = new ByteBuffer[width];
        for (int i = 0; i < width; i++)
        {
            views[i] = ByteBuffer.wrap(columns[i]);
        }
        data = new byte[Math.max(1, geometry.dataMembers())][];
        present = new boolean[width];
        p = new byte[geometry.chunkBytes()];
        q = new byte[geometry.chunkBytes()];
        journal = ByteBuffer.wrap(new byte[geometry.blockSize() + 2 * geometry.chunkBytes()]);
        journalHeader = new UnsafeBuffer(journal.array(), 0, geometry.blockSize());
    }

    /**
     * @return member {@code member}'s column as a buffer over its first {@code length} bytes.
     */
    ByteBuffer view(final int member, final int length)
    {
        return views[member].limit(length).position(0);
    }

    /**
     * Points {@link #data} at the columns of stripe {@code stripe}'s data chunks.
     */
    void mapData(final ArrayGeometry geometry, final long stripe)
    {
        for (int i = 0; i < geometry.dataMembers(); i++)
        {
            data[i] = columns[geometry.dataMember(stripe, i)];
        }
    }
}
