package io.tandem.bench.interconnect;

import io.tandem.interconnect.InterconnectContext;
import io.tandem.interconnect.InterconnectEndpoint;
import io.tandem.interconnect.MirrorReceiver;
import io.tandem.interconnect.MirrorSender;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The interconnect itself between two endpoints (two media drivers), the receiver on its own thread (or in its
 * own JVM) with a sink that reports each record durable as it takes it. Throughput counts records acknowledged
 * back to the sender; latency is offer-to-ack of one record at a time.
 * <p>
 * Not thread-safe: the benchmark thread drives the sender.
 */
final class MirroredRun implements AutoCloseable
{
    private final InterconnectEndpoint secondary;
    private final ForkedPeer.Process peer;
    private final InterconnectEndpoint primary;
    private final MirrorSender sender;
    private final int streams;
    private long ackedRecords;
    private final long[] acked;
    private MirrorReceiver receiver;

    /**
     * @param forked the receiver in its own JVM ({@link ForkedPeer}) rather than on a thread of this one.
     */
    MirroredRun(
        final Path base,
        final int port,
        final int paths,
        final int streams,
        final int recordLength,
        final boolean forked) throws java.io.IOException
    {
        this.streams = streams;
        this.acked = new long[streams];
        if (forked)
        {
            peer = new ForkedPeer.Process("mirror", base.toString(), Integer.toString(port),
                Integer.toString(paths), Integer.toString(streams), Integer.toString(recordLength));
            secondary = null;
        }
        else
        {
            peer = null;
            secondary = InterconnectEndpoint.launchReceiver(
                context(base, "secondary", port, paths, streams, recordLength).recordSink(this::onRecord));
            receiver = secondary.receiver();
        }
        primary = InterconnectEndpoint.launchSender(context(base, "primary", port, paths, streams, recordLength)
            .ackHandler(this::onAcked));
        sender = primary.sender();
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (Integer.bitCount(sender.liveMask()) != paths)
        {
            primary.invoker().invoke();
            if (System.nanoTime() > deadlineNs)
            {
                throw new IllegalStateException("paths did not come up");
            }
        }
    }

    static InterconnectContext context(
        final Path base, final String name, final int port, final int paths, final int streams, final int length)
    {
        return new InterconnectContext()
            .directory(base)
            .endpointName(name)
            .pathCount(paths)
            .streamCount(streams)
            .dataPortBase(port)
            .ackPortBase(port + 20)
            .maxRecordLength(Math.max(length, 1024));
    }

    private boolean onRecord(
        final int stream, final long sequence, final DirectBuffer buffer, final int offset, final int length)
    {
        receiver.markDurable(stream, sequence);
        return true;
    }

    private void onAcked(final int stream, final long sequence)
    {
        ackedRecords += sequence - acked[stream];
        acked[stream] = sequence;
    }

    /**
     * @return records per second acknowledged by the far side over {@code measureNs}, after {@code warmupNs}.
     */
    double throughput(final int recordLength, final long warmupNs, final long measureNs)
    {
        final UnsafeBuffer record = new UnsafeBuffer(new byte[recordLength]);
        final long startNs = System.nanoTime();
        final long measureStartNs = startNs + warmupNs;
        final long endNs = measureStartNs + measureNs;
        long countAtStart = -1;
        long nowNs;
        int stream = 0;
        while ((nowNs = System.nanoTime()) < endNs)
        {
            if (countAtStart < 0 && nowNs >= measureStartNs)
            {
                countAtStart = ackedRecords;
            }
            for (int i = 0; i < streams; i++)
            {
                sender.offer(stream, sender.nextSequence(stream), record, 0, recordLength);
                stream = stream + 1 == streams ? 0 : stream + 1;
            }
            primary.invoker().invoke();
        }
        final long count = ackedRecords - countAtStart;
        awaitIdle();
        return count * 1e9 / measureNs;
    }

    /**
     * @return offer-to-ack times in ns of one record at a time on stream 0.
     */
    long[] roundTrips(final int recordLength, final int warmup, final int count)
    {
        final UnsafeBuffer record = new UnsafeBuffer(new byte[recordLength]);
        final long[] rttNs = new long[count];
        for (int i = -warmup; i < count; i++)
        {
            final long sequence = sender.nextSequence(0);
            final long startNs = System.nanoTime();
            while (MirrorSender.OK != sender.offer(0, sequence, record, 0, recordLength))
            {
                primary.invoker().invoke();
            }
            while (acked[0] < sequence)
            {
                primary.invoker().invoke();
            }
            if (i >= 0)
            {
                rttNs[i] = System.nanoTime() - startNs;
            }
        }
        return rttNs;
    }

    private void awaitIdle()
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!sender.isIdle() && System.nanoTime() < deadlineNs)
        {
            primary.invoker().invoke();
        }
    }

    public void close()
    {
        CloseHelper.closeAll(primary, secondary, peer);
    }
}
