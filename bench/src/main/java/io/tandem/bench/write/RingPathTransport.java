package io.tandem.bench.write;

import io.tandem.interconnect.path.PathTransport;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * In-memory interconnect paths between the two ends of an in-process pair: per path and direction, one ring buffer
 * that a frame is copied into on {@code offer} and read from in place on {@code poll}, as an Aeron term is. No
 * sockets, no media driver: what a benchmark of the write path measures is the pair's own work.
 * <p>
 * Not thread-safe as a whole: each ring has one producer and one consumer thread (here the same one).
 */
final class RingPathTransport
{
    private static final int MSG_TYPE_ID = 1;

    final End primary;
    final End secondary;

    RingPathTransport(final int pathCount, final int ringCapacity)
    {
        final OneToOneRingBuffer[] toSecondary = rings(pathCount, ringCapacity);
        final OneToOneRingBuffer[] toPrimary = rings(pathCount, ringCapacity);
        primary = new End(toSecondary, toPrimary);
        secondary = new End(toPrimary, toSecondary);
    }

    private static OneToOneRingBuffer[] rings(final int pathCount, final int capacity)
    {
        final OneToOneRingBuffer[] rings = new OneToOneRingBuffer[pathCount];
        for (int path = 0; path < pathCount; path++)
        {
            rings[path] = new OneToOneRingBuffer(new UnsafeBuffer(
                BufferUtil.allocateDirectAligned(capacity + RingBufferDescriptor.TRAILER_LENGTH, 64)));
        }
        return rings;
    }

    static final class End implements PathTransport
    {
        private final OneToOneRingBuffer[] outbound;
        private final OneToOneRingBuffer[] inbound;
        private FrameHandler handler;
        private int pollingPath;
        private final org.agrona.concurrent.MessageHandler adapter = this::onMessage;

        End(final OneToOneRingBuffer[] outbound, final OneToOneRingBuffer[] inbound)
        {
            this.outbound = outbound;
            this.inbound = inbound;
        }

        public int pathCount()
        {
            return outbound.length;
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
            final OneToOneRingBuffer ring = outbound[path];
            final int length = headLength + bodyLength;
            final int index = ring.tryClaim(MSG_TYPE_ID, length);
            if (index < 0)
            {
                return NOT_SENT;
            }
            ring.buffer().putBytes(index, headBuffer, headOffset, headLength);
            ring.buffer().putBytes(index + headLength, bodyBuffer, bodyOffset, bodyLength);
            ring.commit(index);
            return length;
        }

        public boolean isConnected(final int path)
        {
            return true;
        }

        public int poll(final int path, final FrameHandler handler, final int fragmentLimit)
        {
            this.handler = handler;
            this.pollingPath = path;
            return inbound[path].read(adapter, fragmentLimit);
        }

        private void onMessage(final int msgTypeId, final org.agrona.MutableDirectBuffer buffer, final int index,
            final int length)
        {
            handler.onFrame(pollingPath, buffer, index, length);
        }
    }
}
