package io.tandem.primary;

import io.tandem.interconnect.path.PathTransport;
import org.agrona.DirectBuffer;

/**
 * One interconnect path that never connects: a sender over it takes nothing, so what the write path logs stays
 * unmirrored. For tests of the write path without a partner.
 */
public final class NoPathTransport implements PathTransport
{
    public int pathCount()
    {
        return 1;
    }

    public long offer(
        final int path,
        final DirectBuffer headBuffer,
        final int headOffset,
        final int headLength,
        final DirectBuffer bodyBuffer,
        final int bodyOffset,
        final int bodyLength)
    {
        return NOT_SENT;
    }

    public boolean isConnected(final int path)
    {
        return false;
    }

    public int poll(final int path, final FrameHandler handler, final int fragmentLimit)
    {
        return 0;
    }
}
