package io.tandem.raid;

import java.nio.ByteBuffer;

/**
 * A rebuild's working space for a run of stripes: each member's chunks of the run side by side (one read per
 * member, one write for the member being rebuilt), and the computation of the rebuilt member's chunks from the
 * others, stripe by stripe, as the parity rotates.
 * <p>
 * Not thread-safe: the rebuild's, under the locks of its stripes.
 */
final class RebuildBatch
{
    /** Stripes in a batch: a 64 KiB chunk makes 1 MiB reads and writes. */
    static final int STRIPES = 16;

    private final ArrayGeometry geometry;
    private final byte[][] columns;
    private final ByteBuffer[] views;
    private final byte[][] data;
    private final byte[] p;
    private final byte[] q;

    RebuildBatch(final ArrayGeometry geometry)
    {
        this.geometry = geometry;
        final int length = STRIPES * geometry.chunkBytes();
        columns = new byte[geometry.width()][length];
        views = new ByteBuffer[geometry.width()];
        for (int i = 0; i < views.length; i++)
        {
            views[i] = ByteBuffer.wrap(columns[i]);
        }
        data = new byte[Math.max(1, geometry.dataMembers())][];
        p = new byte[length];
        q = new byte[length];
    }

    /**
     * @return member {@code slot}'s chunks of the batch, as a buffer of {@code length} bytes.
     */
    ByteBuffer column(final int slot, final int length)
    {
        return views[slot].limit(length).position(0);
    }

    /**
     * Fills member {@code slot}'s column for stripes {@code [stripe, stripe + count)} from the others' columns.
     */
    void compute(final int slot, final long stripe, final int count)
    {
        final int chunk = geometry.chunkBytes();
        if (geometry.level() == RaidLevel.RAID1)
        {
            final int source = slot == 0 ? 1 : 0;
            System.arraycopy(columns[source], 0, columns[slot], 0, count * chunk);
            return;
        }
        final int n = geometry.dataMembers();
        final boolean raid6 = geometry.level() == RaidLevel.RAID6;
        for (int i = 0; i < count; i++)
        {
            final long s = stripe + i;
            final int offset = i * chunk;
            for (int k = 0; k < n; k++)
            {
                data[k] = columns[geometry.dataMember(s, k)];
            }
            final int role = geometry.dataIndexOfMember(s, slot);
            if (role >= 0)
            {
                Parity.recoverFromP(data, n, role, columns[geometry.parityMember(s)], offset, chunk);
            }
            else if (role == -1)
            {
                Parity.syndromes(data, n, offset, chunk, columns[slot], raid6 ? q : null);
            }
            else
            {
                Parity.syndromes(data, n, offset, chunk, p, columns[slot]);
            }
        }
    }
}
