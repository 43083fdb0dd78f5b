package io.tandem.interconnect;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.tandem.interconnect.path.PathChannels;
import io.tandem.interconnect.protocol.DataFrame;
import io.tandem.interconnect.protocol.FrameHeader;
import io.tandem.interconnect.protocol.HeartbeatFrame;
import io.tandem.interconnect.status.InterconnectCounters;
import io.tandem.interconnect.status.InterconnectStatusReader;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Frames from another cluster, from a stale epoch, or malformed are refused and counted; none reaches the sink or
 * the path state, and none upsets the receiver.
 */
class RefusalTest
{
    @Test
    void staleEpochSenderIsRefused()
    {
        mismatchedPairIsRefused(ctx -> ctx.epoch(4), InterconnectCounters.REFUSED_EPOCH_TYPE_ID);
    }

    @Test
    void otherClusterSenderIsRefused()
    {
        mismatchedPairIsRefused(ctx -> ctx.epoch(5).clusterId(99), InterconnectCounters.REFUSED_OTHER_CLUSTER_TYPE_ID);
    }

    /**
     * A receiver in epoch 5 of cluster 1 beside a sender that {@code mismatch} sets apart.
     */
    private static void mismatchedPairIsRefused(final Consumer<InterconnectContext> mismatch, final int refusalType)
    {
        final CheckingSink sink = new CheckingSink(4);
        final AtomicInteger errors = new AtomicInteger();
        try (AeronDirs dirs = new AeronDirs())
        {
            final int port = TestContexts.nextPortBase();
            final InterconnectContext senderCtx = TestContexts.context(dirs.base, "primary", port, 2);
            mismatch.accept(senderCtx);
            try (InterconnectEndpoint secondary = InterconnectEndpoint.launchReceiver(
                TestContexts.context(dirs.base, "secondary", port, 2).epoch(5).recordSink(sink)
                    .errorHandler(ex -> errors.incrementAndGet()));
                InterconnectEndpoint primary = InterconnectEndpoint.launchSender(senderCtx))
            {
                sink.markDurableWith(secondary.receiver());
                final UnsafeBuffer record = new UnsafeBuffer(new byte[256]);
                final long endNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
                int noLivePath = 0;
                while (System.nanoTime() < endNs)
                {
                    final int length = Payloads.encode(record, 0, 1, 256);
                    if (MirrorSender.NO_LIVE_PATH == primary.sender().offer(0, 1, record, 0, length))
                    {
                        noLivePath++;
                    }
                    primary.invoker().invoke();
                }
                assertEquals(0, primary.sender().liveMask(), "a refused sender must never see a live path");
                assertTrue(noLivePath > 0);
                assertEquals(0, sink.records(), "nothing may reach the sink");
                assertEquals(0, secondary.receiver().liveMask(), "refused frames do not make a path live");
                try (InterconnectStatusReader status = InterconnectStatusReader.open(secondary.aeronDirectory()))
                {
                    assertTrue(status.value(refusalType, -1, 0) > 0, "refusals counted by the receiver");
                }
                try (InterconnectStatusReader status = InterconnectStatusReader.open(primary.aeronDirectory()))
                {
                    assertTrue(status.value(refusalType, -1, 0) > 0, "and by the sender, of the receiver's frames");
                }
                assertEquals(0, errors.get());
            }
        }
    }

    @Test
    void garbageOnTheChannelsNeverReachesTheSink()
    {
        final long seed = Long.getLong("tandem.test.seed", System.nanoTime());
        System.out.println("RefusalTest fuzz seed=" + seed);
        final Random random = new Random(seed);
        final int streams = 4;
        final long perStream = 1500;
        final CheckingSink sink = new CheckingSink(streams);
        final AtomicInteger errors = new AtomicInteger();
        try (AeronDirs dirs = new AeronDirs())
        {
            final int port = TestContexts.nextPortBase();
            try (InterconnectEndpoint secondary = InterconnectEndpoint.launchReceiver(
                TestContexts.context(dirs.base, "secondary", port, 2).recordSink(sink)
                    .errorHandler(ex -> errors.incrementAndGet()));
                InterconnectEndpoint primary = InterconnectEndpoint.launchSender(
                    TestContexts.context(dirs.base, "primary", port, 2).errorHandler(ex -> errors.incrementAndGet()));
                Aeron secondaryClient = Aeron.connect(new Aeron.Context()
                    .aeronDirectoryName(secondary.aeronDirectory().toString())))
            {
                sink.markDurableWith(secondary.receiver());
                final String address = primary.context().pathAddress(0);
                // a raw publisher beside the protocol on each direction of path 0
                final ExclusivePublication toReceiver = primary.aeron().addExclusivePublication(
                    PathChannels.dataPublication(0, address, port, 65504, 4 * 1024 * 1024),
                    PathChannels.DATA_STREAM_ID);
                final ExclusivePublication toSender = secondaryClient.addExclusivePublication(
                    PathChannels.ackPublication(0, address, port + 20), PathChannels.ACK_STREAM_ID);
                OrderingUnderFireTest.awaitAllPathsUp(primary);

                final MirrorSender sender = primary.sender();
                final UnsafeBuffer record = new UnsafeBuffer(new byte[1024]);
                final UnsafeBuffer garbage = new UnsafeBuffer(new byte[2048]);
                final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                int stream = 0;
                long garbageSent = 0;
                while (!(TwoEndpointsTest.allOffered(sender, streams, perStream) && sender.isIdle()))
                {
                    final long sequence = sender.nextSequence(stream);
                    if (sequence <= perStream)
                    {
                        final int length = Payloads.encode(record, stream, sequence, 12 + random.nextInt(1000));
                        sender.offer(stream, sequence, record, 0, length);
                    }
                    stream = (stream + 1) % streams;
                    final int length = garbage(random, garbage, primary.context());
                    if (toReceiver.offer(garbage, 0, length) > 0)
                    {
                        garbageSent++;
                    }
                    if (toSender.offer(garbage, 0, garbage(random, garbage, primary.context())) > 0)
                    {
                        garbageSent++;
                    }
                    primary.invoker().invoke();
                    assertTrue(System.nanoTime() < deadlineNs, "not all acknowledged in time");
                }

                assertNull(sink.firstError(), sink.firstError());
                assertEquals(streams * perStream, sink.records());
                for (int s = 0; s < streams; s++)
                {
                    assertEquals(perStream, sink.lastSequence(s));
                }
                assertEquals(0, errors.get(), "garbage made an endpoint throw");
                try (InterconnectStatusReader status = InterconnectStatusReader.open(secondary.aeronDirectory()))
                {
                    final long malformed = status.value(InterconnectCounters.REFUSED_MALFORMED_TYPE_ID, -1, 0);
                    final long cluster = status.value(InterconnectCounters.REFUSED_OTHER_CLUSTER_TYPE_ID, -1, 0);
                    final long epoch = status.value(InterconnectCounters.REFUSED_EPOCH_TYPE_ID, -1, 0);
                    System.out.printf("RefusalTest fuzz: %d garbage frames sent, receiver refused %d malformed, " +
                        "%d other cluster, %d other epoch%n", garbageSent, malformed, cluster, epoch);
                    assertTrue(malformed > 0 && cluster > 0 && epoch > 0);
                }
                try (InterconnectStatusReader status = InterconnectStatusReader.open(primary.aeronDirectory()))
                {
                    assertTrue(status.value(InterconnectCounters.REFUSED_MALFORMED_TYPE_ID, -1, 0) > 0);
                }
            }
        }
    }

    /**
     * @return the length of a random bad frame written to {@code buffer}.
     */
    private static int garbage(final Random random, final UnsafeBuffer buffer, final InterconnectContext ctx)
    {
        final int kind = random.nextInt(6);
        final DataFrame frame = new DataFrame();
        frame.wrap(buffer, 0);
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[64]);
        switch (kind)
        {
            case 0:
            {
                final int length = random.nextInt(300);
                for (int i = 0; i < length; i++)
                {
                    buffer.putByte(i, (byte)random.nextInt());
                }
                return length;
            }
            case 1:
            {
                // a plausible prefix, random body and length field
                final int length = FrameHeader.HEADER_LENGTH + random.nextInt(100);
                for (int i = 0; i < length; i++)
                {
                    buffer.putByte(i, (byte)random.nextInt());
                }
                buffer.putByte(FrameHeader.VERSION_OFFSET, FrameHeader.CURRENT_VERSION);
                buffer.putByte(FrameHeader.TYPE_OFFSET, (byte)(1 + random.nextInt(4)));
                return length;
            }
            case 2:
                // well formed, another cluster
                return frame.encode(ctx.clusterId() + 1, ctx.epoch(), 0, 1, payload, 0, payload.capacity());
            case 3:
                // well formed, stale epoch
                return frame.encode(ctx.clusterId(), ctx.epoch() - 1, 1, 1, payload, 0, payload.capacity());
            case 4:
            {
                // truncated: the length field promises more than came
                final int length = frame.encode(ctx.clusterId(), ctx.epoch(), 2, 1, payload, 0, payload.capacity());
                return length - 1 - random.nextInt(length - 1);
            }
            default:
            {
                // a heartbeat of the right cluster and epoch with an unknown type
                final HeartbeatFrame heartbeat = new HeartbeatFrame();
                heartbeat.wrap(buffer, 0);
                final int length = heartbeat.encode(ctx.clusterId(), ctx.epoch(), 0);
                buffer.putByte(FrameHeader.TYPE_OFFSET, (byte)(4 + random.nextInt(100)));
                return length;
            }
        }
    }
}
