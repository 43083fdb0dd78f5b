package io.tandem.interconnect.protocol;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static io.tandem.interconnect.protocol.FrameHeader.MALFORMED;
import static io.tandem.interconnect.protocol.FrameHeader.OTHER_CLUSTER;
import static io.tandem.interconnect.protocol.FrameHeader.VALID;
import static io.tandem.interconnect.protocol.FrameHeader.WRONG_EPOCH;
import static org.junit.jupiter.api.Assertions.assertEquals;

class FrameCodecTest
{
    private static final long CLUSTER = 0x1122334455667788L;
    private static final long EPOCH = 42;
    private static final int STREAMS = 8;

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1024]);

    @Test
    void dataFrameRoundTripsAtAnOffsetWithTheDocumentedLayout()
    {
        final UnsafeBuffer payload = new UnsafeBuffer("hello mirror".getBytes());
        final DataFrame frame = new DataFrame();
        frame.wrap(buffer, 16);
        final int length = frame.encode(CLUSTER, EPOCH, 5, 123456789L, payload, 0, payload.capacity());

        assertEquals(40 + payload.capacity(), length);
        assertEquals(FrameHeader.CURRENT_VERSION, buffer.getByte(16));
        assertEquals(FrameHeader.TYPE_DATA, FrameHeader.type(buffer, 16));
        assertEquals(length, FrameHeader.frameLength(buffer, 16));
        assertEquals(CLUSTER, FrameHeader.clusterId(buffer, 16));
        assertEquals(EPOCH, FrameHeader.epoch(buffer, 16));
        assertEquals(5, DataFrame.stream(buffer, 16));
        assertEquals(123456789L, DataFrame.sequence(buffer, 16));
        assertEquals("hello mirror", buffer.getStringWithoutLengthAscii(16 + DataFrame.PAYLOAD_OFFSET,
            payload.capacity()));
        // little-endian on the wire whatever the platform
        assertEquals(5, buffer.getByte(16 + DataFrame.STREAM_OFFSET));
        assertEquals(VALID, FrameHeader.check(buffer, 16, length, CLUSTER, EPOCH, STREAMS));
    }

    @Test
    void ackFrameRoundTrips()
    {
        final AckFrame frame = new AckFrame();
        frame.wrap(buffer, 0);
        frame.begin(CLUSTER, EPOCH).entry(0, 3, 77).entry(1, 7, 1L << 40);
        final int length = frame.entryCount(2);

        assertEquals(32 + 2 * 16, length);
        assertEquals(2, AckFrame.entryCount(buffer, 0));
        assertEquals(3, AckFrame.entryStream(buffer, 0, 0));
        assertEquals(77, AckFrame.entrySequence(buffer, 0, 0));
        assertEquals(7, AckFrame.entryStream(buffer, 0, 1));
        assertEquals(1L << 40, AckFrame.entrySequence(buffer, 0, 1));
        assertEquals(VALID, FrameHeader.check(buffer, 0, length, CLUSTER, EPOCH, STREAMS));
    }

    @Test
    void heartbeatRoundTrips()
    {
        final HeartbeatFrame frame = new HeartbeatFrame();
        frame.wrap(buffer, 8);
        assertEquals(HeartbeatFrame.LENGTH, frame.encode(CLUSTER, EPOCH, 999));
        assertEquals(999, HeartbeatFrame.timestampNs(buffer, 8));
        assertEquals(VALID, FrameHeader.check(buffer, 8, HeartbeatFrame.LENGTH, CLUSTER, EPOCH, STREAMS));
    }

    @Test
    void refusesOtherClusterAndOtherEpoch()
    {
        final int length = heartbeat();
        assertEquals(OTHER_CLUSTER, FrameHeader.check(buffer, 0, length, CLUSTER + 1, EPOCH, STREAMS));
        assertEquals(WRONG_EPOCH, FrameHeader.check(buffer, 0, length, CLUSTER, EPOCH + 1, STREAMS));
        assertEquals(WRONG_EPOCH, FrameHeader.check(buffer, 0, length, CLUSTER, EPOCH - 1, STREAMS));
    }

    @Test
    void refusesMalformedFrames()
    {
        int length = heartbeat();
        assertEquals(MALFORMED, FrameHeader.check(buffer, 0, 0, CLUSTER, EPOCH, STREAMS), "empty");
        assertEquals(MALFORMED, FrameHeader.check(buffer, 0, 23, CLUSTER, EPOCH, STREAMS), "short");
        assertEquals(MALFORMED, FrameHeader.check(buffer, 0, length - 1, CLUSTER, EPOCH, STREAMS), "truncated");
        assertEquals(MALFORMED, FrameHeader.check(buffer, 0, length + 1, CLUSTER, EPOCH, STREAMS), "trailing");

        buffer.putByte(FrameHeader.VERSION_OFFSET, (byte)2);
        assertEquals(MALFORMED, FrameHeader.check(buffer, 0, length, CLUSTER, EPOCH, STREAMS), "version");
        length = heartbeat();
        buffer.putByte(FrameHeader.TYPE_OFFSET, (byte)9);
        assertEquals(MALFORMED, FrameHeader.check(buffer, 0, length, CLUSTER, EPOCH, STREAMS), "type");

        final DataFrame data = new DataFrame();
        data.wrap(buffer, 0);
        length = data.encode(CLUSTER, EPOCH, STREAMS, 1, buffer, 512, 10);
        assertEquals(MALFORMED, FrameHeader.check(buffer, 0, length, CLUSTER, EPOCH, STREAMS), "stream range");
        length = data.encode(CLUSTER, EPOCH, 0, 0, buffer, 512, 10);
        assertEquals(MALFORMED, FrameHeader.check(buffer, 0, length, CLUSTER, EPOCH, STREAMS), "sequence 0");

        final AckFrame ack = new AckFrame();
        ack.wrap(buffer, 0);
        ack.begin(CLUSTER, EPOCH).entry(0, 1, 1);
        length = ack.entryCount(1);
        buffer.putInt(AckFrame.ENTRY_COUNT_OFFSET, 3, FrameHeader.BYTE_ORDER);
        assertEquals(MALFORMED, FrameHeader.check(buffer, 0, length, CLUSTER, EPOCH, STREAMS), "ack count");
        buffer.putInt(AckFrame.ENTRY_COUNT_OFFSET, -1, FrameHeader.BYTE_ORDER);
        assertEquals(MALFORMED, FrameHeader.check(buffer, 0, length, CLUSTER, EPOCH, STREAMS), "negative count");
    }

    private int heartbeat()
    {
        final HeartbeatFrame frame = new HeartbeatFrame();
        frame.wrap(buffer, 0);
        return frame.encode(CLUSTER, EPOCH, 1);
    }
}
