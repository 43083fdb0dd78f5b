package io.tandem.simulator;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * What a simulated process wrote to one file and has not forced yet, with what each write replaced: when the
 * simulation cuts the process's power, each sector of those writes is lost (the old bytes come back) or kept,
 * as the seed draws, so a write not yet forced is lost, kept or torn at sector granularity.
 * <p>
 * Not thread-safe: the simulation has one thread.
 */
final class Unforced
{
    private final int sector;
    private final List<Long> positions = new ArrayList<>();
    private final List<byte[]> before = new ArrayList<>();

    /**
     * @param sector the unit a power loss tears writes at: 512 bytes for NVRAM, a block for the pool (its
     *               device writes whole blocks).
     */
    Unforced(final int sector)
    {
        this.sector = sector;
    }

    /**
     * How the file is read and written back, at a position.
     */
    interface Io
    {
        void readFully(ByteBuffer dst, long position) throws IOException;

        void writeFully(ByteBuffer src, long position) throws IOException;
    }

    /**
     * Remembers the {@code length} bytes at {@code position} before a write replaces them.
     */
    void beforeWrite(final Io io, final long position, final int length) throws IOException
    {
        final ByteBuffer old = ByteBuffer.allocate(length);
        io.readFully(old, position);
        positions.add(position);
        before.add(old.array());
    }

    /**
     * Everything written so far is durable.
     */
    void forced()
    {
        positions.clear();
        before.clear();
    }

    boolean isEmpty()
    {
        return positions.isEmpty();
    }

    /**
     * The power is cut: each sector of each unforced write, newest first, gets its old bytes back or keeps the
     * new ones, as {@code random} draws.
     *
     * @return sectors lost.
     */
    int losePower(final Io io, final Random random) throws IOException
    {
        int lost = 0;
        for (int i = positions.size() - 1; i >= 0; i--)
        {
            final byte[] old = before.get(i);
            for (int offset = 0; offset < old.length; offset += sector)
            {
                if (random.nextBoolean())
                {
                    io.writeFully(ByteBuffer.wrap(old, offset, Math.min(sector, old.length - offset)),
                        positions.get(i) + offset);
                    lost++;
                }
            }
        }
        forced();
        return lost;
    }
}
