package io.tandem.interconnect;

import io.tandem.interconnect.status.InterconnectCounters;
import io.tandem.interconnect.status.InterconnectStatusReader;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A sender and a receiver in one JVM, each with its own embedded media driver.
 */
class TwoEndpointsTest
{
    @Test
    void mirrorsRecordsInOrderAndCompletesThem()
    {
        mirror("127.0.0.1", InterconnectContext.MTU_LENGTH_DEFAULT);
    }

    @Test
    void recordsLongerThanTheMtuAreFragmentedAndReassembled()
    {
        mirror("127.0.0.1", 1408);
    }

    @Test
    void eachPathOnItsOwnLoopbackAddress()
    {
        mirror("127.0.0.2,127.0.0.3", InterconnectContext.MTU_LENGTH_DEFAULT);
    }

    private static void mirror(final String addresses, final int mtuLength)
    {
        final int streams = 4;
        final int perStream = 2000;
        final CheckingSink sink = new CheckingSink(streams);
        final long[] acked = new long[streams];
        try (AeronDirs dirs = new AeronDirs())
        {
            final int port = TestContexts.nextPortBase();
            try (InterconnectEndpoint secondary = InterconnectEndpoint.launchReceiver(
                TestContexts.context(dirs.base, "secondary", port, 2).pathAddresses(addresses).mtuLength(mtuLength)
                    .recordSink(sink));
                InterconnectEndpoint primary = InterconnectEndpoint.launchSender(
                    TestContexts.context(dirs.base, "primary", port, 2).pathAddresses(addresses).mtuLength(mtuLength)
                        .ackHandler((stream, sequence) -> acked[stream] = sequence)))
            {
                sink.markDurableWith(secondary.receiver());
                final MirrorSender sender = primary.sender();
                final UnsafeBuffer record = new UnsafeBuffer(new byte[4096]);
                OrderingUnderFireTest.awaitAllPathsUp(primary);
                final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                assertTrue(sender.pathOf(0) != sender.pathOf(1), "streams spread over both paths");

                int stream = 0;
                while (!(allOffered(sender, streams, perStream) && sender.isIdle()))
                {
                    final long sequence = sender.nextSequence(stream);
                    if (sequence <= perStream)
                    {
                        final int length = Payloads.encode(record, stream, sequence, 100 + (int)(sequence % 3000));
                        sender.offer(stream, sequence, record, 0, length);
                    }
                    stream = (stream + 1) % streams;
                    primary.invoker().invoke();
                    assertTrue(System.nanoTime() < deadlineNs, "not all acknowledged in time");
                }

                assertNull(sink.firstError());
                for (int s = 0; s < streams; s++)
                {
                    assertEquals(perStream, sink.lastSequence(s));
                    assertEquals(perStream, acked[s]);
                    assertEquals(perStream, sender.ackedSequence(s));
                }

                try (InterconnectStatusReader status = InterconnectStatusReader.open(primary.aeronDirectory()))
                {
                    assertEquals(perStream, status.value(InterconnectCounters.STREAM_ACKED_SEQUENCE_TYPE_ID, 0, -1));
                    assertEquals(perStream + 1, status.value(InterconnectCounters.STREAM_NEXT_SEQUENCE_TYPE_ID, 3, -1));
                    assertEquals(1, status.value(InterconnectCounters.PATH_STATE_TYPE_ID, 1, -1));
                    assertEquals(2, status.value(InterconnectCounters.LIVE_PATHS_TYPE_ID, -1, -1));
                }
                try (InterconnectStatusReader status = InterconnectStatusReader.open(secondary.aeronDirectory()))
                {
                    assertEquals(perStream + 1,
                        status.value(InterconnectCounters.STREAM_NEXT_SEQUENCE_TYPE_ID, 2, -1));
                    assertTrue(status.value(InterconnectCounters.PATH_FRAMES_RECEIVED_TYPE_ID, 0, -1) > 0);
                }
            }
        }
    }

    @Test
    void refusesASecondEndpointInARunningEndpointsDirectory()
    {
        try (AeronDirs dirs = new AeronDirs())
        {
            final int port = TestContexts.nextPortBase();
            try (InterconnectEndpoint primary = InterconnectEndpoint.launchSender(
                TestContexts.context(dirs.base, "primary", port, 1)))
            {
                assertThrows(IllegalStateException.class, () -> InterconnectEndpoint.launchSender(
                    TestContexts.context(dirs.base, "primary", port + 5, 1)));
                assertTrue(primary.aeronDirectory().toFile().isDirectory(), "the running one's directory survives");
            }
        }
    }

    static boolean allOffered(final MirrorSender sender, final int streams, final long perStream)
    {
        for (int s = 0; s < streams; s++)
        {
            if (sender.nextSequence(s) <= perStream)
            {
                return false;
            }
        }
        return true;
    }
}
