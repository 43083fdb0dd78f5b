package io.tandem.primary.write;

import io.tandem.interconnect.InterconnectContext;
import io.tandem.interconnect.MirrorReceiver;
import io.tandem.interconnect.MirrorSender;
import io.tandem.interconnect.status.InterconnectCounters;
import io.tandem.interconnect.testing.LoopbackTransport;
import io.tandem.nvlog.LogRecord;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The primary mirrors each NVLog record from where it lies in the log, so the log may not reuse a half while the
 * partner has not acknowledged a record in it: a resend would carry whatever was written there next.
 * {@link WritePath#mirrorReads(int)} is what the controller asks before it releases a half.
 */
class MirrorReadsLogTest
{
    @TempDir
    Path dir;

    private final List<long[]> arrived = new ArrayList<>();
    private final LogRecord reader = new LogRecord();
    private final CRC32C crc = new CRC32C();
    private int corrupt;

    @Test
    void aHalfIsReadByTheMirrorUntilThePartnerAcknowledgesItsRecordsAndNotOnceAbandoned() throws Exception
    {
        try (WritePathParts parts = new WritePathParts(dir))
        {
            final LoopbackTransport wire = new LoopbackTransport(1);
            final InterconnectContext ctx = new InterconnectContext().endpointName("test").pathCount(1)
                .streamCount(parts.streams()).epoch(1).nanoClock(() -> parts.nowNs)
                .recordSink(this::onRecord).conclude();
            final MirrorSender sender = new MirrorSender(ctx, wire.primary, counters(ctx, true));
            final MirrorReceiver receiver = new MirrorReceiver(ctx, wire.secondary, counters(ctx, false));
            final int[] completed = {0};
            final WritePath writePath = new WritePath(parts.log, sender, parts.cache, why -> {},
                () -> parts.nowNs, 16, 1, 1, (token, status, context) -> completed[0]++);
            final Runnable step = () ->
            {
                parts.step(writePath);
                sender.doWork();
                receiver.doWork();
            };
            for (int i = 0; i < 3; i++)
            {
                step.run();
            }
            assertTrue(sender.hasLivePath());

            final int half = parts.log.activeHalf();
            for (int i = 0; i < 3; i++)
            {
                writePath.write(i, (long)i * WritePathParts.PAGE, ByteBuffer.wrap(new byte[WritePathParts.PAGE]), null);
            }
            for (int i = 0; i < 5; i++)
            {
                step.run();
            }
            assertEquals(3, arrived.size(), "the partner has the records");
            assertEquals(0, corrupt);
            assertTrue(writePath.mirrorReads(half), "not acknowledged yet: a resend would read them in the log");
            assertFalse(writePath.mirrorReads(1 - half));
            assertEquals(0, completed[0]);

            for (final long[] record : arrived)
            {
                receiver.markDurable((int)record[0], record[1]);
            }
            for (int i = 0; i < 3; i++)
            {
                step.run();
            }
            assertEquals(3, completed[0]);
            assertFalse(writePath.mirrorReads(half), "acknowledged: the half may be released");

            wire.pull(0);
            writePath.write(9, 9L * WritePathParts.PAGE, ByteBuffer.wrap(new byte[WritePathParts.PAGE]), null);
            step.run();
            assertTrue(writePath.mirrorReads(half), "offered, lost on the wire, held for a resend");
            writePath.runWithoutMirror(2);
            assertFalse(writePath.mirrorReads(half), "going on alone: nothing will be sent again");
        }
    }

    private boolean onRecord(
        final int stream, final long sequence, final DirectBuffer buffer, final int offset, final int length)
    {
        if (!reader.wrap(buffer, offset).crcMatches(crc))
        {
            corrupt++;
        }
        arrived.add(new long[]{stream, sequence});
        return true;
    }

    private static InterconnectCounters counters(final InterconnectContext ctx, final boolean sender)
    {
        return InterconnectCounters.inManager(new CountersManager(
            new UnsafeBuffer(new byte[CountersManager.METADATA_LENGTH * 256]),
            new UnsafeBuffer(new byte[CountersManager.COUNTER_LENGTH * 256])),
            sender ? InterconnectCounters.ROLE_SENDER : InterconnectCounters.ROLE_RECEIVER, sender ? "p" : "s",
            ctx.pathCount(), ctx.streamCount());
    }
}
