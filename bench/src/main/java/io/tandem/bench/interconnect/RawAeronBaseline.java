package io.tandem.bench.interconnect;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.logbuffer.FragmentHandler;
import io.tandem.interconnect.InterconnectContext;
import io.tandem.interconnect.path.PathChannels;
import org.agrona.CloseHelper;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The baselines: raw Aeron between two media drivers, on exactly the channel a path's data uses (same MTU and
 * term length), with no mirror protocol. One-way throughput counted at the receiver (at the sender when the
 * receiver is forked); round trip of a message answered by a 32-byte reply (the shape of a record and its ack).
 * <p>
 * Not thread-safe: one benchmark thread, plus the receiver thread it starts.
 */
final class RawAeronBaseline implements AutoCloseable
{
    private static final int REPLY_LENGTH = 32;

    private final MediaDriver senderDriver;
    private final MediaDriver receiverDriver;
    private final Aeron senderClient;
    private final Aeron receiverClient;
    private final ExclusivePublication publication;
    private final Subscription subscription;
    private final ExclusivePublication replyPublication;
    private final Subscription replySubscription;
    private final ForkedPeer.Process peer;
    private long nextPing = 1L << 40;

    /**
     * @param forked the receiving end in its own JVM ({@link ForkedPeer}) rather than on a thread of this one.
     */
    RawAeronBaseline(
        final Path base, final int port, final int mtuLength, final int termLength, final boolean forked)
        throws java.io.IOException
    {
        senderDriver = BenchDrivers.launch(base.resolve("raw-sender"));
        senderClient = Aeron.connect(new Aeron.Context().aeronDirectoryName(senderDriver.aeronDirectoryName()));
        if (forked)
        {
            peer = new ForkedPeer.Process("raw", base.toString(), Integer.toString(port));
            receiverDriver = null;
            receiverClient = null;
            subscription = null;
            replyPublication = null;
        }
        else
        {
            peer = null;
            receiverDriver = BenchDrivers.launch(base.resolve("raw-receiver"));
            receiverClient = Aeron.connect(
                new Aeron.Context().aeronDirectoryName(receiverDriver.aeronDirectoryName()));
            subscription = receiverClient.addSubscription(
                PathChannels.dataSubscription(0, "127.0.0.1", port, InterconnectContext.RECEIVER_WINDOW_DEFAULT),
                PathChannels.DATA_STREAM_ID);
            replyPublication = receiverClient.addExclusivePublication(
                PathChannels.ackPublication(0, "127.0.0.1", port + 1), PathChannels.ACK_STREAM_ID);
        }
        publication = senderClient.addExclusivePublication(
            PathChannels.dataPublication(0, "127.0.0.1", port, mtuLength, termLength), PathChannels.DATA_STREAM_ID);
        replySubscription = senderClient.addSubscription(
            PathChannels.ackSubscription(0, "127.0.0.1", port + 1), PathChannels.ACK_STREAM_ID);
        while (!publication.isConnected() || !replySubscription.isConnected())
        {
            Thread.onSpinWait();
        }
    }

    /**
     * @return messages per second received over {@code measureNs}, after {@code warmupNs}.
     */
    double throughput(final int messageLength, final long warmupNs, final long measureNs) throws InterruptedException
    {
        if (null != peer)
        {
            return forkedThroughput(messageLength, warmupNs, measureNs);
        }
        final AtomicLong received = new AtomicLong();
        final AtomicBoolean running = new AtomicBoolean(true);
        final FragmentHandler counter = (buffer, offset, length, header) -> received.lazySet(received.get() + 1);
        final Thread receiver = new Thread(() ->
        {
            final IdleStrategy idle = new BackoffIdleStrategy();
            while (running.get())
            {
                idle.idle(subscription.poll(counter, 256));
            }
        }, "raw-receiver");
        receiver.start();

        final UnsafeBuffer message = new UnsafeBuffer(new byte[messageLength]);
        final long startNs = System.nanoTime();
        final long measureStartNs = startNs + warmupNs;
        final long endNs = measureStartNs + measureNs;
        long countAtStart = -1;
        long nowNs;
        while ((nowNs = System.nanoTime()) < endNs)
        {
            if (countAtStart < 0 && nowNs >= measureStartNs)
            {
                countAtStart = received.get();
            }
            publication.offer(message, 0, messageLength);
        }
        final long count = received.get() - countAtStart;
        running.set(false);
        receiver.join();
        drain();
        return count * 1e9 / measureNs;
    }

    /**
     * With the receiver in another process, counts messages the publication took: flow control keeps it within a
     * window of what the receiver consumed, so over seconds the two rates agree.
     */
    private double forkedThroughput(final int messageLength, final long warmupNs, final long measureNs)
    {
        final UnsafeBuffer message = new UnsafeBuffer(new byte[messageLength]);
        final long measureStartNs = System.nanoTime() + warmupNs;
        final long endNs = measureStartNs + measureNs;
        long sent = 0;
        long sentAtStart = -1;
        long nowNs;
        while ((nowNs = System.nanoTime()) < endNs)
        {
            if (sentAtStart < 0 && nowNs >= measureStartNs)
            {
                sentAtStart = sent;
            }
            if (publication.offer(message, 0, messageLength) > 0)
            {
                sent++;
            }
        }
        return (sent - sentAtStart) * 1e9 / measureNs;
    }

    /**
     * @return round-trip times in ns, one message in flight at a time.
     */
    long[] roundTrips(final int messageLength, final int warmup, final int count) throws InterruptedException
    {
        if (null != peer)
        {
            return pings(messageLength, warmup, count);
        }
        final AtomicBoolean running = new AtomicBoolean(true);
        final UnsafeBuffer reply = new UnsafeBuffer(new byte[REPLY_LENGTH]);
        final FragmentHandler echo = (buffer, offset, length, header) ->
        {
            // answers with the ping's number, so a late message from the throughput run is never taken for a reply
            reply.putLong(0, buffer.getLong(offset));
            while (replyPublication.offer(reply, 0, REPLY_LENGTH) < 0)
            {
                Thread.onSpinWait();
            }
        };
        final Thread ponger = new Thread(() ->
        {
            final IdleStrategy idle = new BackoffIdleStrategy();
            while (running.get())
            {
                idle.idle(subscription.poll(echo, 16));
            }
        }, "raw-pong");
        ponger.start();

        try
        {
            return pings(messageLength, warmup, count);
        }
        finally
        {
            running.set(false);
            ponger.join();
        }
    }

    private long[] pings(final int messageLength, final int warmup, final int count)
    {
        final UnsafeBuffer message = new UnsafeBuffer(new byte[messageLength]);
        final long[] lastReply = {-1};
        final FragmentHandler onReply = (buffer, offset, length, header) -> lastReply[0] = buffer.getLong(offset);
        final long[] rttNs = new long[count];
        for (int i = -warmup; i < count; i++)
        {
            final long ping = nextPing++;
            message.putLong(0, ping);
            final long startNs = System.nanoTime();
            while (publication.offer(message, 0, messageLength) < 0)
            {
                Thread.onSpinWait();
            }
            while (lastReply[0] != ping)
            {
                replySubscription.poll(onReply, 1);
            }
            if (i >= 0)
            {
                rttNs[i] = System.nanoTime() - startNs;
            }
        }
        return rttNs;
    }

    private void drain()
    {
        final FragmentHandler ignore = (buffer, offset, length, header) -> {};
        final long endNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
        while (System.nanoTime() < endNs)
        {
            subscription.poll(ignore, 1024);
        }
    }

    public void close()
    {
        CloseHelper.closeAll(publication, subscription, replyPublication, replySubscription,
            senderClient, receiverClient, senderDriver, receiverDriver, peer);
    }
}
