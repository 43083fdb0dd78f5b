package io.tandem.interconnect;

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
 * Not thread-safe: one test thread.
 */
final class LoopbackTransport
{
    final End primary;
    final End secondary;
    private final boolean[] pulled;
    private final boolean[] held;

    LoopbackTransport(final int pathCount)
    {
        pulled = new boolean[pathCount];
        held = new boolean[pathCount];
        primary = new End(pathCount);
        secondary = new End(pathCount);
        primary.peer = secondary;
        secondary.peer = primary;
    }

    void pull(final int path)
    {
        pulled[path] = true;
        // what was on the wire is lost with the cable
        primary.inbound.get(path).clear();
        secondary.inbound.get(path).clear();
    }

    void restore(final int path)
    {
        pulled[path] = false;
    }

    void hold(final int path, final boolean hold)
    {
        held[path] = hold;
    }

    final class End implements PathTransport
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
        void inject(final int path, final DirectBuffer buffer, final int offset, final int length)
        {
            final byte[] frame = new byte[length];
            buffer.getBytes(offset, frame);
            inbound.get(path).addLast(frame);
        }

        public int pathCount()
        {
            return inbound.size();
        }

        public long offer(final int path, final DirectBuffer buffer, final int offset, final int length)
        {
            if (!pulled[path])
            {
                peer.inject(path, buffer, offset, length);
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
