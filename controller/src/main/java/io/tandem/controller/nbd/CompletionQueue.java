package io.tandem.controller.nbd;

import io.tandem.interconnect.idle.ChannelWatcher;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.nio.ByteBuffer;

/**
 * Carries completions from the volume's threads to the server's agent without locks: a many-to-one ring buffer of
 * fixed records, claimed and committed in place so that reporting a completion allocates nothing.
 * <pre>
 *  record body (12 bytes, native order, never leaves the process): | token (64) | error (32) |
 * </pre>
 * It holds a record for every request slot at once, and a slot has at most one completion outstanding, so a
 * claim can only fail if a volume completes a request twice: that is reported as an {@link IllegalStateException}
 * to the volume that did it.
 * <p>
 * Thread-safe for any number of completing threads and one reader (the agent).
 */
final class CompletionQueue implements IoCompletion
{
    static final int COMPLETION_MSG_TYPE_ID = 1;
    static final int TOKEN_OFFSET = 0;
    static final int ERROR_OFFSET = 8;
    static final int RECORD_LENGTH = 12;

    /** Record header (8) plus body, aligned to 8. */
    private static final int ALIGNED_RECORD_LENGTH = 24;

    private final ManyToOneRingBuffer ringBuffer;
    private final AtomicBuffer buffer;
    private final ChannelWatcher watcher;
    private volatile Thread reader;

    /**
     * @param watcher woken when a completion comes from a thread other than the reader's; or null.
     */
    CompletionQueue(final int maxOutstanding, final ChannelWatcher watcher)
    {
        this.watcher = watcher;
        final int capacity = Math.max(4096, Integer.highestOneBit(maxOutstanding * ALIGNED_RECORD_LENGTH - 1) << 1);
        ringBuffer = new ManyToOneRingBuffer(new UnsafeBuffer(
            ByteBuffer.allocateDirect(capacity + RingBufferDescriptor.TRAILER_LENGTH)));
        buffer = ringBuffer.buffer();
    }

    public void onComplete(final long token, final int error)
    {
        final int index = ringBuffer.tryClaim(COMPLETION_MSG_TYPE_ID, RECORD_LENGTH);
        if (index <= 0)
        {
            throw new IllegalStateException("completion queue full: a request was completed more than once");
        }
        buffer.putLong(index + TOKEN_OFFSET, token);
        buffer.putInt(index + ERROR_OFFSET, error);
        ringBuffer.commit(index);
        if (null != watcher && Thread.currentThread() != reader)
        {
            watcher.wake();
        }
    }

    /**
     * @return how many completions were handed to {@code handler}.
     */
    int drain(final MessageHandler handler, final int limit)
    {
        if (null == reader)
        {
            reader = Thread.currentThread();
        }
        return ringBuffer.read(handler, limit);
    }
}
