package io.tandem.nvlog;

import org.agrona.BitUtil;

/**
 * Maps bytes of a volume to NVLog streams. A volume is cut into stripes of {@link #stripeSize()} bytes; a
 * stripe always belongs to the same stream, so all of a block's history is in one stream and per-stream order
 * is enough to replay it. Consecutive stripes go to consecutive streams, so a sequential write spreads over
 * every stream; each volume starts at a different stream so small volumes do not all load stream 0.
 * <p>
 * A write that crosses stripe boundaries is cut into pieces, one per stripe:
 * <pre>{@code
 * for (long at = offset, end = offset + length; at < end; at += piece)
 * {
 *     piece = partitioner.pieceLength(at, end - at);
 *     int stream = partitioner.streamOf(volume, at);
 *     ...
 * }
 * }</pre>
 * Immutable and thread-safe.
 */
public final class StreamPartitioner
{
    public static final int MAX_STREAMS = 1024;

    private final int streamCount;
    private final int stripeSize;
    private final int stripeShift;

    /**
     * @param streamCount how many streams, 1 to {@link #MAX_STREAMS}.
     * @param stripeSize  bytes per stripe, a power of two, at least 512.
     */
    public StreamPartitioner(final int streamCount, final int stripeSize)
    {
        if (streamCount < 1 || streamCount > MAX_STREAMS)
        {
            throw new IllegalArgumentException("streamCount must be 1 to " + MAX_STREAMS + ": " + streamCount);
        }
        if (stripeSize < 512 || !BitUtil.isPowerOfTwo(stripeSize))
        {
            throw new IllegalArgumentException("stripeSize must be a power of two >= 512: " + stripeSize);
        }
        this.streamCount = streamCount;
        this.stripeSize = stripeSize;
        this.stripeShift = Integer.numberOfTrailingZeros(stripeSize);
    }

    public int streamCount()
    {
        return streamCount;
    }

    public int stripeSize()
    {
        return stripeSize;
    }

    /**
     * @return the stream that carries the byte at {@code offset} of {@code volume}.
     */
    public int streamOf(final int volume, final long offset)
    {
        if (offset < 0)
        {
            throw new IllegalArgumentException("negative offset: " + offset);
        }
        final long stripe = offset >>> stripeShift;
        return (int)Long.remainderUnsigned(stripe + Integer.toUnsignedLong(volume) * 7919L, streamCount);
    }

    /**
     * @return how many of the {@code remaining} bytes from {@code offset} stay in the stripe of {@code offset}:
     * the length of the next piece.
     */
    public int pieceLength(final long offset, final long remaining)
    {
        final long toStripeEnd = stripeSize - (offset & (stripeSize - 1));
        return (int)Math.min(toStripeEnd, remaining);
    }

    /**
     * @return how many pieces a write of {@code length} bytes at {@code offset} is cut into.
     */
    public int pieceCount(final long offset, final long length)
    {
        if (length <= 0)
        {
            return 0;
        }
        return (int)(((offset + length - 1) >>> stripeShift) - (offset >>> stripeShift) + 1);
    }
}
