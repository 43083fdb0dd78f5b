package io.tandem.controller.nbd;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Writes the extent descriptors of a {@code base:allocation} block status reply into the buffer a
 * {@link BlockVolume} is given with {@link BlockVolume#submitBlockStatus}: each descriptor is a length (unsigned 32)
 * and status flags ({@link NbdProtocol#STATE_HOLE}, {@link NbdProtocol#STATE_ZERO}, or 0 for allocated data),
 * big-endian, from position 0 up to the buffer's position. An extent with the flags of the one before is merged
 * into it, so a volume may append block by block.
 * <p>
 * Stateless: the buffer's position is the state.
 */
public final class NbdExtents
{
    public static final int DESCRIPTOR_LENGTH = 8;
    private static final long MAX_LENGTH = 0xFFFF_FFFFL;

    private NbdExtents()
    {
    }

    /**
     * Appends {@code length} bytes of status {@code flags} after the extents already in {@code extents}.
     *
     * @return false if a new descriptor does not fit: the reply ends before this extent.
     * @throws IllegalArgumentException if {@code length} is not 1 to 2^32 - 1.
     */
    public static boolean append(final ByteBuffer extents, final long length, final int flags)
    {
        if (length < 1 || length > MAX_LENGTH)
        {
            throw new IllegalArgumentException("an extent is 1 to 2^32 - 1 bytes, not " + length);
        }
        final int position = extents.position();
        if (position >= DESCRIPTOR_LENGTH && extents.getInt(position - 4) == flags)
        {
            final long merged = (extents.getInt(position - DESCRIPTOR_LENGTH) & MAX_LENGTH) + length;
            if (merged <= MAX_LENGTH)
            {
                extents.putInt(position - DESCRIPTOR_LENGTH, (int)merged);
                return true;
            }
        }
        if (extents.limit() - position < DESCRIPTOR_LENGTH)
        {
            return false;
        }
        extents.putInt(position, (int)length);
        extents.putInt(position + 4, flags);
        extents.position(position + DESCRIPTOR_LENGTH);
        return true;
    }

    /**
     * @return the descriptors written so far.
     */
    public static int count(final ByteBuffer extents)
    {
        return extents.position() / DESCRIPTOR_LENGTH;
    }

    /**
     * Makes {@code extents} ready for a volume: empty, room for {@code maxExtents} descriptors, big-endian.
     */
    static void prepare(final ByteBuffer extents, final int maxExtents)
    {
        extents.order(ByteOrder.BIG_ENDIAN).clear().limit(maxExtents * DESCRIPTOR_LENGTH);
    }

    /**
     * Cuts the descriptors so that they cover at most {@code requestLength} bytes, as the protocol requires.
     *
     * @return the bytes of descriptors left: 0 if there were none.
     */
    static int clamp(final ByteBuffer extents, final long requestLength)
    {
        long covered = 0;
        final int end = extents.position() - extents.position() % DESCRIPTOR_LENGTH;
        for (int at = 0; at < end; at += DESCRIPTOR_LENGTH)
        {
            final long length = extents.getInt(at) & MAX_LENGTH;
            if (covered + length >= requestLength)
            {
                extents.putInt(at, (int)(requestLength - covered));
                return at + DESCRIPTOR_LENGTH;
            }
            covered += length;
        }
        return end;
    }
}
