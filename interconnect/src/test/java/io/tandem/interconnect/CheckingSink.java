package io.tandem.interconnect;

import org.agrona.DirectBuffer;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A sink that proves ordering: each stream must receive exactly 1, 2, 3, ... with payloads that say so. The first
 * violation is kept. Marks each record durable at once when given a receiver (synchronous durability).
 * <p>
 * Written by the receiver's thread, read by the test thread.
 */
final class CheckingSink implements RecordSink
{
    private final AtomicLongArray lastSequence;
    private final AtomicReference<String> firstError = new AtomicReference<>();
    private volatile MirrorReceiver receiver;
    private volatile long records;

    CheckingSink(final int streamCount)
    {
        lastSequence = new AtomicLongArray(streamCount);
    }

    void markDurableWith(final MirrorReceiver receiver)
    {
        this.receiver = receiver;
    }

    public boolean onRecord(
        final int stream, final long sequence, final DirectBuffer buffer, final int offset, final int length)
    {
        final long last = lastSequence.get(stream);
        if (sequence != last + 1)
        {
            firstError.compareAndSet(null, "stream " + stream + " got " + sequence + " after " + last);
        }
        final String payloadError = Payloads.check(stream, sequence, buffer, offset, length);
        if (null != payloadError)
        {
            firstError.compareAndSet(null, payloadError);
        }
        lastSequence.set(stream, sequence);
        records++;
        final MirrorReceiver receiver = this.receiver;
        if (null != receiver)
        {
            receiver.markDurable(stream, sequence);
        }
        return true;
    }

    long lastSequence(final int stream)
    {
        return lastSequence.get(stream);
    }

    long records()
    {
        return records;
    }

    String firstError()
    {
        return firstError.get();
    }
}
