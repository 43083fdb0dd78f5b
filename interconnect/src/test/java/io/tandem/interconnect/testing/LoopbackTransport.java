package io.tandem.interconnect.testing;

import io.tandem.interconnect.path.PathTransport;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Two ends of in-memory paths for stepping the protocol with a fake clock: frames queue per path and direction
 * until the other end polls. A pulled path loses every frame offered on it, both ways; a held path keeps its
 * frames queued (a slow path); frames can be injected as if they came off the wire.
 * <p>
 * Published in this module's test jar for other modules' tests. Not thread-safe: one test thread.
 */
public final class LoopbackTransport
{
    public final End primary;
    public final End secondary;
    private final boolean[] pulled;
    private final boolean[] held;

    public LoopbackTransport(final int pathCount)
    {
        pulled = new boolean[pathCount];
        held = new boolean[pathCount];
        primary = new End(pathCount);
        secondary = new End(pathCount);
        primary.peer = secondary;
        secondary.peer = primary;
    }

    public void pull(final int path)
    {
        pulled[path] = true;
        // what was on the wire is lost with the cable
        primary.inbound.get(path).clear();
        secondary.inbound.get(path).clear();
    }

    public void restore(final int path)
    {
        pulled[path] = false;
    }

    public void hold(final int path, final boolean hold)
    {
        held[path] = hold;
    }

    public final class End implements PathTransport
    {
        final List<ArrayDeque<byte[]>> inbound;
        private End peer;
        private final UnsafeBuffer view = new UnsafeBuffer(0, 0);

        End(final int pathCount)
        {
            inbound = new ArrayList<>(pathCount);
            for (int path = 0; path < pathCount; path++)
            {
                inbound.add(new ArrayDeque<>());
            }
        }

        /**
         * Puts a frame in this end's inbound queue of a path, as if it came off the wire.
         */
        public void inject(final int path, final DirectBuffer buffer, final int offset, final int length)
        {
            final byte[] frame = new byte[length];
            buffer.getBytes(offset, frame);
            inbound.get(path).addLast(frame);
        }

        public int pathCount()
        {
            return inbound.size();
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
            if (!pulled[path])
            {
                final UnsafeBuffer frame = new UnsafeBuffer(new byte[headLength + bodyLength]);
                frame.putBytes(0, headBuffer, headOffset, headLength);
                frame.putBytes(headLength, bodyBuffer, bodyOffset, bodyLength);
                peer.inject(path, frame, 0, frame.capacity());
            }
            return 1;
        }

        public boolean isConnected(final int path)
        {
            return true;
        }

        public int poll(final int path, final FrameHandler handler, final int fragmentLimit)
        {
            if (held[path])
            {
                return 0;
            }
            int count = 0;
            while (count < fragmentLimit && !inbound.get(path).isEmpty())
            {
                final byte[] frame = inbound.get(path).pollFirst();
                view.wrap(frame);
                handler.onFrame(path, view, 0, frame.length);
                count++;
            }
            return count;
        }
    }
}
