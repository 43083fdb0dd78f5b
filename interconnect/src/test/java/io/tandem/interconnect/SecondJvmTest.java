package io.tandem.interconnect;

import io.tandem.interconnect.path.PathFaults;
import io.tandem.interconnect.status.InterconnectCounters;
import io.tandem.interconnect.status.InterconnectStatusReader;
import io.tandem.staging.testing.ChildJvm;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The secondary in a second JVM, as in the appliance. While records flow, a path is pulled from this process in
 * the child's own media driver, through the child's fault switches file (what {@code tandem ctl pull} will do),
 * then restored; every record still arrives once, in order, and is acknowledged. The child's counters are read
 * from here while it runs (what {@code tandem ctl status} will do).
 */
class SecondJvmTest
{
    private static final int PATHS = 2;
    private static final int STREAMS = 4;
    private static final long PER_STREAM = 3000;

    @Test
    void mirrorsToASecondaryInAnotherJvmAcrossAPullFromOutside() throws Exception
    {
        try (AeronDirs dirs = new AeronDirs())
        {
            final int port = TestContexts.nextPortBase();
            final Path stderr = dirs.base.resolve("child.stderr");
            try (ChildJvm child = ChildJvm.start(ReceiverChild.class, stderr, dirs.base.toString(),
                Integer.toString(port), Integer.toString(PATHS), Integer.toString(STREAMS),
                Long.toString(PER_STREAM));
                InterconnectEndpoint primary = InterconnectEndpoint.launchSender(
                    TestContexts.context(dirs.base, "primary", port, PATHS).streamCount(STREAMS)))
            {
                final String ready = child.readLine();
                assertNotNull(ready, "child died: see " + stderr);
                assertTrue(ready.startsWith("READY "), ready);
                final Path childAeronDir = Path.of(ready.substring("READY ".length()));

                OrderingUnderFireTest.awaitAllPathsUp(primary);
                final MirrorSender sender = primary.sender();
                final UnsafeBuffer record = new UnsafeBuffer(new byte[2048]);
                final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                boolean pulled = false;
                boolean restored = false;
                long pulledAtNs = 0;
                int stream = 0;
                try (PathFaults childFaults = PathFaults.open(childAeronDir))
                {
                    while (!(restored && TwoEndpointsTest.allOffered(sender, STREAMS, PER_STREAM) && sender.isIdle()))
                    {
                        final long sequence = sender.nextSequence(stream);
                        // the last quarter waits for the restored path, so it carries records again
                        if (sequence <= (restored ? PER_STREAM : PER_STREAM * 3 / 4))
                        {
                            final int length = Payloads.encode(record, stream, sequence, 64 + (int)(sequence % 1900));
                            sender.offer(stream, sequence, record, 0, length);
                        }
                        stream = (stream + 1) % STREAMS;
                        primary.invoker().invoke();

                        if (!pulled && sender.nextSequence(0) > PER_STREAM / 4)
                        {
                            childFaults.pull(1);
                            pulled = true;
                            pulledAtNs = System.nanoTime();
                        }
                        if (pulled && !restored && System.nanoTime() - pulledAtNs > TimeUnit.MILLISECONDS.toNanos(600))
                        {
                            assertEquals(0, sender.liveMask() & 0b10, "path 1 pulled in the child must be down here");
                            childFaults.restore(1);
                            restored = true;
                        }
                        assertTrue(System.nanoTime() < deadlineNs, "not all acknowledged in time");
                    }
                }

                final String done = child.readLine();
                assertNotNull(done, "child died: see " + stderr);
                System.out.println("SecondJvmTest child: " + done);
                final String[] fields = done.split(" ");
                assertEquals("DONE", fields[0]);
                assertEquals(STREAMS * PER_STREAM, Long.parseLong(fields[1]), "records handed on once each");
                assertEquals("null", fields[3], "the child's sink saw a violation: " + done);
                for (int s = 0; s < STREAMS; s++)
                {
                    assertEquals(PER_STREAM, sender.ackedSequence(s));
                }

                // the child's counters, read from this process while it runs
                try (InterconnectStatusReader status = InterconnectStatusReader.open(childAeronDir))
                {
                    for (int s = 0; s < STREAMS; s++)
                    {
                        assertEquals(PER_STREAM + 1,
                            status.value(InterconnectCounters.STREAM_NEXT_SEQUENCE_TYPE_ID, s, -1));
                        assertEquals(PER_STREAM,
                            status.value(InterconnectCounters.STREAM_ACKED_SEQUENCE_TYPE_ID, s, -1));
                    }
                    assertTrue(status.value(InterconnectCounters.PATH_DOWN_EVENTS_TYPE_ID, 1, -1) >= 1,
                        "the child saw path 1 go down");
                    assertTrue(status.value(InterconnectCounters.PATH_BYTES_RECEIVED_TYPE_ID, 0, -1) > 0);
                }
                child.kill();
            }
        }
    }
}
