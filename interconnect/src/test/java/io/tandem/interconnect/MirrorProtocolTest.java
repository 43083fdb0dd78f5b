package io.tandem.interconnect;

import io.tandem.interconnect.path.PathDownCause;
import io.tandem.interconnect.protocol.DataFrame;
import io.tandem.interconnect.status.InterconnectCounters;
import io.tandem.interconnect.testing.LoopbackTransport;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The mirror protocol stepped deterministically: sender and receiver over in-memory paths, one fake clock, no
 * threads and no sleeps.
 */
class MirrorProtocolTest
{
    private static final int PATHS = 2;
    private static final int STREAMS = 4;
    private static final long STEP_NS = TimeUnit.MILLISECONDS.toNanos(1);

    private final long[] nowNs = {1_000_000_000L};
    private final LoopbackTransport wire = new LoopbackTransport(PATHS);
    private final List<String> delivered = new ArrayList<>();
    private final UnsafeBuffer record = new UnsafeBuffer(new byte[512]);
    private final long[] acked = new long[STREAMS];
    private boolean autoDurable = true;
    private boolean pushBackOnce;
    private String payloadError;
    private InterconnectCounters senderCounters;
    private InterconnectCounters receiverCounters;
    private MirrorSender sender;
    private MirrorReceiver receiver;
    private InterconnectContext ctx;

    @BeforeEach
    void setUp()
    {
        build(null);
    }

    private void build(final long[] firstSequences)
    {
        ctx = new InterconnectContext()
            .firstSequences(firstSequences)
            .endpointName("test")
            .pathCount(PATHS)
            .streamCount(STREAMS)
            .maxRecordLength(512)
            .windowBytes(64 * 1024)
            .windowRecords(16)
            .termLength(1024 * 1024)
            .nanoClock(() -> nowNs[0])
            .ackHandler((stream, sequence) -> acked[stream] = sequence)
            .recordSink(this::onRecord)
            .conclude();
        senderCounters = InterconnectCounters.inManager(newManager(), InterconnectCounters.ROLE_SENDER, "p",
            PATHS, STREAMS);
        receiverCounters = InterconnectCounters.inManager(newManager(), InterconnectCounters.ROLE_RECEIVER, "s",
            PATHS, STREAMS);
        sender = new MirrorSender(ctx, wire.primary, senderCounters);
        receiver = new MirrorReceiver(ctx, wire.secondary, receiverCounters);
    }

    private boolean onRecord(
        final int stream, final long sequence, final DirectBuffer buffer, final int offset, final int length)
    {
        if (pushBackOnce)
        {
            pushBackOnce = false;
            return false;
        }
        final String error = Payloads.check(stream, sequence, buffer, offset, length);
        if (null != error && null == payloadError)
        {
            payloadError = error;
        }
        delivered.add(stream + "/" + sequence);
        if (autoDurable)
        {
            receiver.markDurable(stream, sequence);
        }
        return true;
    }

    private static CountersManager newManager()
    {
        return new CountersManager(
            new UnsafeBuffer(new byte[CountersManager.METADATA_LENGTH * 256]),
            new UnsafeBuffer(new byte[CountersManager.COUNTER_LENGTH * 256]));
    }

    private void step(final int times)
    {
        for (int i = 0; i < times; i++)
        {
            nowNs[0] += STEP_NS;
            sender.doWork();
            receiver.doWork();
        }
    }

    private int offer(final int stream)
    {
        final long sequence = sender.nextSequence(stream);
        final int length = Payloads.encode(record, stream, sequence, 100);
        return sender.offer(stream, sequence, record, 0, length);
    }

    private void bothPathsUp()
    {
        step(2);
        assertEquals(0b11, sender.liveMask());
        assertEquals(0b11, receiver.liveMask());
    }

    @Test
    void pathsComeUpOnHeartbeatsAndRecordsAreAckedInOrder()
    {
        assertEquals(MirrorSender.NO_LIVE_PATH, offer(0), "nothing heard yet: no path");
        bothPathsUp();
        assertEquals(0, sender.pathOf(0));
        assertEquals(1, sender.pathOf(1));
        assertEquals(0, sender.pathOf(2));
        for (int i = 0; i < 5; i++)
        {
            for (int s = 0; s < STREAMS; s++)
            {
                assertEquals(MirrorSender.OK, offer(s));
            }
        }
        step(2);
        assertNull(payloadError);
        assertEquals(20, delivered.size());
        for (int s = 0; s < STREAMS; s++)
        {
            assertEquals(5, acked[s]);
            assertEquals(5, sender.ackedSequence(s));
            assertEquals(5, receiver.ackedSequence(s));
        }
        assertTrue(sender.isIdle());
        assertEquals(5, senderCounters.ackedSequence[3].get());
        assertEquals(6, receiverCounters.nextSequence[3].get());
    }

    @Test
    void pulledPathIsDeclaredDownAfterTheQuickTimeoutWhileTheOtherCarriesHeartbeatsAndItsStreamsAreResentInOrderOnIt()
    {
        bothPathsUp();
        wire.pull(0);
        for (int i = 0; i < 3; i++)
        {
            offer(0);
            offer(1);
        }
        // the partner's heartbeats keep coming on path 1: path 0's silence is its own, and the quick timeout
        // (two fifths of the path timeout, within a heartbeat of the pull) takes it down
        final long quickMs = TimeUnit.NANOSECONDS.toMillis(ctx.pathTimeoutNs()) * 2 / 5;
        step((int)quickMs - 5);
        assertEquals(0b11, sender.liveMask(), "not down before the quick timeout");
        assertEquals(0, acked[0], "stream 0's records were lost on the pulled path");
        assertEquals(3, acked[1]);

        step(10 + (int)TimeUnit.NANOSECONDS.toMillis(ctx.heartbeatIntervalNs()));
        assertEquals(0b10, sender.liveMask(), "down after the quick timeout");
        assertEquals(0b10, receiver.liveMask(), "the receiver noticed too");
        assertEquals(1, sender.pathOf(0));
        assertEquals(1, senderCounters.downEvents[0].get());
        assertEquals(1, senderCounters.aloneDownEvents[0].get(), "down alone: the partner's beats came on path 1");
        assertEquals(PathDownCause.SILENT_ALONE, sender.downCause(0));
        step(2);
        assertEquals(3, acked[0], "resent on path 1 and acknowledged");
        assertEquals(3, senderCounters.retransmits[1].get());
        assertEquals(List.of("1/1", "1/2", "1/3", "0/1", "0/2", "0/3"), delivered);

        wire.restore(0);
        step((int)(ctx.heartbeatIntervalNs() / STEP_NS) + 2);
        assertEquals(0b11, sender.liveMask(), "restored path back in service");
        assertEquals(0, sender.pathOf(0), "streams spread again");
        offer(0);
        step(2);
        assertEquals(4, acked[0]);
        assertNull(payloadError);
    }

    @Test
    void noLivePathRefusesOffersAndSendingResumesWhenAPathReturns()
    {
        bothPathsUp();
        offer(2);
        wire.pull(0);
        wire.pull(1);
        step((int)TimeUnit.NANOSECONDS.toMillis(ctx.pathTimeoutNs()) + 5);
        assertFalse(sender.hasLivePath());
        assertEquals(-1, sender.pathOf(2));
        assertEquals(MirrorSender.NO_LIVE_PATH, offer(2));
        assertEquals(1, senderCounters.noLivePath.get());

        wire.restore(1);
        step((int)(ctx.heartbeatIntervalNs() / STEP_NS) + 2);
        assertEquals(0b10, sender.liveMask());
        assertEquals(1, acked[2], "the record offered before the outage went through on its own");
        assertEquals(MirrorSender.OK, offer(2));
        step(2);
        assertEquals(2, acked[2]);
        assertEquals(List.of("2/1", "2/2"), delivered);
    }

    @Test
    void windowFillsUntilTheSinkReportsDurabilityThenAcksFreeIt()
    {
        autoDurable = false;
        bothPathsUp();
        for (int i = 0; i < ctx.windowRecords(); i++)
        {
            assertEquals(MirrorSender.OK, offer(0));
        }
        assertEquals(MirrorSender.WINDOW_FULL, offer(0));
        step(5);
        assertEquals(ctx.windowRecords(), delivered.size(), "handed on");
        assertEquals(0, acked[0], "but not acknowledged before it is durable");
        assertEquals(MirrorSender.WINDOW_FULL, offer(0));

        receiver.markDurable(0, 10);
        step(2);
        assertEquals(10, acked[0]);
        assertEquals(MirrorSender.OK, offer(0));
        receiver.markDurable(0, 5);
        assertEquals(10, receiver.durableSequence(0), "durability never goes back");
    }

    @Test
    void receiverHoldsBackEarlyRecordsAndDropsDuplicates()
    {
        bothPathsUp();
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[1024]);
        for (final long sequence : new long[]{3, 2, 2, 1, 4, 1})
        {
            wire.secondary.inject(sequence % 2 == 0 ? 0 : 1, frame, 0, dataFrame(frame, 1, sequence));
        }
        step(1);
        assertEquals(List.of("1/1", "1/2", "1/3", "1/4"), delivered);
        assertEquals(1, receiverCounters.duplicates.get());

        wire.secondary.inject(0, frame, 0, dataFrame(frame, 1, 5 + ctx.windowRecords()));
        step(1);
        assertEquals(1, receiverCounters.holdBackRefused.get(), "too far ahead to hold");
        assertEquals(4, delivered.size());
        assertNull(payloadError);
    }

    @Test
    void recordPushedBackBySinkIsOfferedAgainBeforeLaterOnes()
    {
        bothPathsUp();
        offer(3);
        pushBackOnce = true;
        offer(3);
        offer(3);
        step(3);
        assertEquals(List.of("3/1", "3/2", "3/3"), delivered);
        assertEquals(3, acked[3]);
    }

    @Test
    void slowPathReordersAfterFailbackWithoutBreakingOrder()
    {
        bothPathsUp();
        wire.pull(0);
        step((int)TimeUnit.NANOSECONDS.toMillis(ctx.pathTimeoutNs()) + 5);
        assertEquals(1, sender.pathOf(0));
        wire.hold(1, true);
        for (int i = 0; i < 4; i++)
        {
            offer(0);
        }
        wire.restore(0);
        step((int)(ctx.heartbeatIntervalNs() / STEP_NS) + 2);
        assertEquals(0, sender.pathOf(0), "stream 0 went back to path 0 while path 1 still holds its records");
        for (int i = 0; i < 4; i++)
        {
            offer(0);
        }
        step(2);
        wire.hold(1, false);
        step(3);
        assertEquals(List.of("0/1", "0/2", "0/3", "0/4", "0/5", "0/6", "0/7", "0/8"), delivered);
        assertEquals(8, acked[0]);
    }

    @Test
    void aResumedMirrorCarriesOnFromTheFirstSequencesGiven()
    {
        build(new long[]{100, 1, 7, 1});
        bothPathsUp();
        assertEquals(100, sender.nextSequence(0));
        assertEquals(99, sender.ackedSequence(0));
        assertTrue(sender.isIdle());
        assertEquals(99, receiver.deliveredSequence(0));
        offer(0);
        offer(2);
        offer(2);
        step(2);
        assertEquals(List.of("0/100", "2/7", "2/8"), delivered);
        assertEquals(100, acked[0]);
        assertEquals(8, acked[2]);
        assertTrue(sender.isIdle());
    }

    @Test
    void recordsOfferedInPlaceAreSentAgainFromWhereTheyLieUntilAcknowledged()
    {
        bothPathsUp();
        // a log: records lie side by side, each 128 bytes apart, and stay there
        final UnsafeBuffer log = new UnsafeBuffer(new byte[1024]);
        for (long sequence = 1; sequence <= 3; sequence++)
        {
            final int at = (int)(sequence - 1) * 128;
            final int length = Payloads.encode(record, 0, sequence, 100);
            log.putBytes(at, record, 0, length);
            wire.pull(0); // stream 0's path: each first send is lost
            assertEquals(MirrorSender.OK, sender.offerInPlace(0, sequence, log, at, length));
        }
        record.setMemory(0, record.capacity(), (byte)0); // the caller's scratch is gone; the log is not
        assertTrue(sender.holdsInPlace(log, 256, 384), "the third record may be sent again");
        assertFalse(sender.holdsInPlace(log, 384, 1024));
        assertFalse(sender.holdsInPlace(record, 0, 1024), "another buffer");

        step((int)TimeUnit.NANOSECONDS.toMillis(ctx.pathTimeoutNs()) + 5);
        assertEquals(1, sender.pathOf(0), "moved to path 1 and sent again from the log");
        assertEquals(List.of("0/1", "0/2", "0/3"), delivered);
        assertNull(payloadError, "the bytes sent again are the record's");
        assertEquals(3, acked[0]);
        assertFalse(sender.holdsInPlace(log, 0, 1024), "acknowledged: the log may reuse the place");
    }

    @Test
    void anAbandonedSenderHoldsNothingSendsNoDataAndRefusesOffers()
    {
        bothPathsUp();
        autoDurable = false;
        final UnsafeBuffer log = new UnsafeBuffer(new byte[256]);
        final int length = Payloads.encode(log, 1, 1, 100);
        assertEquals(MirrorSender.OK, sender.offerInPlace(1, 1, log, 0, length));
        step(2);
        assertEquals(List.of("1/1"), delivered);
        assertTrue(sender.holdsInPlace(log, 0, 256), "delivered but not yet durable: not acknowledged");

        sender.abandon();
        assertFalse(sender.holdsInPlace(log, 0, 256));
        assertEquals(MirrorSender.NO_LIVE_PATH, offer(1));
        step((int)TimeUnit.NANOSECONDS.toMillis(ctx.resendTimeoutNs()) * 2 + 5);
        assertEquals(0, senderCounters.retransmits[0].get() + senderCounters.retransmits[1].get(),
            "no record sent again after the resend timeout");
        assertEquals(0b11, sender.liveMask(), "the paths are still watched");
        receiver.markDurable(1, 1);
        step(2);
        assertEquals(0, acked[1], "an acknowledgement for an abandoned record is not reported");
    }

    private int dataFrame(final UnsafeBuffer buffer, final int stream, final long sequence)
    {
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[40]);
        Payloads.encode(payload, stream, sequence, payload.capacity());
        final DataFrame frame = new DataFrame();
        frame.wrap(buffer, 0);
        return frame.encode(ctx.clusterId(), ctx.epoch(), stream, sequence, payload, 0, payload.capacity());
    }
}
