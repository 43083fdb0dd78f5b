package io.tandem.interconnect;

import io.tandem.interconnect.path.PathDownCause;
import io.tandem.interconnect.path.PathMonitor;
import io.tandem.interconnect.path.PathTransport;
import io.tandem.interconnect.path.StreamAssignment;
import io.tandem.interconnect.protocol.AckFrame;
import io.tandem.interconnect.protocol.DataFrame;
import io.tandem.interconnect.protocol.FrameHeader;
import io.tandem.interconnect.status.InterconnectCounters;
import io.tandem.interconnect.stream.SendWindow;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The primary's side of the mirror: takes records of streams, sends each on the path its stream is assigned to,
 * keeps a copy until the secondary acknowledges it as durable, and fails streams over when paths die.
 * <p>
 * <b>Sequences.</b> The caller assigns them (the NVLog numbers each stream's records): each stream's first record
 * is {@link InterconnectContext#firstSequence(int)} (1 for a fresh mirror) and every {@link #offer} of a stream
 * carries the next one, {@link #nextSequence(int)}. Anything else is a bug and throws.
 * <p>
 * <b>Flow control.</b> {@link #offer} never blocks and never throws for flow control: it returns {@link #OK} when
 * the record is taken (held in the stream's window, to be sent and resent until acknowledged),
 * {@link #WINDOW_FULL} when the stream already has {@code windowRecords} records or {@code windowBytes} bytes
 * unacknowledged, or {@link #NO_LIVE_PATH} when no path is up. A refused record was not taken; offer it again.
 * <p>
 * <b>Copies.</b> {@link #offerInPlace} keeps only where the record lies: each send (and resend) gathers a frame
 * header and the record's bytes into the path's Aeron term, the one copy the sender makes, and the caller keeps
 * the bytes unchanged until they are acknowledged ({@link #holdsInPlace} says when a region is free again). The
 * primary mirrors its NVLog records that way. {@link #offer} copies the record into the window first, for
 * callers that reuse their buffer at once.
 * <p>
 * <b>Completion.</b> The secondary acknowledges cumulatively per stream; each ack that advances a stream releases
 * its records and calls {@link AckHandler#onAcked(int, long)}. {@link #ackedSequence(int)} tells the same.
 * <p>
 * <b>Paths.</b> Heartbeats go out on every path every {@code heartbeatIntervalNs}; a path is up while a valid
 * frame arrived on it within {@code pathTimeoutNs} and its publication is connected. Streams are dealt round robin
 * over the up paths ({@link StreamAssignment}); whenever a stream changes path, its unacknowledged records are sent
 * again from the oldest, in sequence order, on the new path (the receiver drops what it already has). A stream
 * whose acks stop for {@code resendTimeoutNs} with records outstanding is sent again the same way, as a safety
 * net. With no path up, offers return {@link #NO_LIVE_PATH} and sending resumes by itself when one returns.
 * <p>
 * Not thread-safe: {@link #offer} and {@link #doWork()} must run on one thread (the endpoint's invoker, driven by
 * the writer's own duty cycle). No allocation after construction.
 */
public final class MirrorSender implements Agent
{
    /** The record was taken. */
    public static final int OK = 0;
    /** The stream's window is full: wait for acks. */
    public static final int WINDOW_FULL = -1;
    /** No path is up: nothing can be mirrored now. */
    public static final int NO_LIVE_PATH = -2;

    private static final int FRAGMENT_LIMIT = 64;

    private final long clusterId;
    private final long epoch;
    private final int streamCount;
    private final int pathCount;
    private final int maxRecordLength;
    private final long resendTimeoutNs;
    private final NanoClock clock;
    private final AckHandler ackHandler;
    private final PathTransport transport;
    private final InterconnectCounters counters;
    private final PathMonitor paths;
    private final StreamAssignment assignment;
    private final SendWindow[] windows;
    private final DataFrame dataFrame = new DataFrame();
    private final UnsafeBuffer frameHeader = new UnsafeBuffer(new byte[DataFrame.PAYLOAD_OFFSET]);
    private final PathTransport.FrameHandler frameHandler = this::onFrame;

    private final long[] nextSequence;
    private final long[] sendCursor;
    private final long[] highestSent;
    private final long[] ackedSequence;
    private final long[] lastAckProgressNs;
    private final int[] pathOfStream;

    private long nowNs;
    private int liveMask;
    private boolean abandoned;

    public MirrorSender(
        final InterconnectContext ctx, final PathTransport transport, final InterconnectCounters counters)
    {
        this.clusterId = ctx.clusterId();
        this.epoch = ctx.epoch();
        this.streamCount = ctx.streamCount();
        this.pathCount = ctx.pathCount();
        this.maxRecordLength = ctx.maxRecordLength();
        this.resendTimeoutNs = ctx.resendTimeoutNs();
        this.clock = ctx.nanoClock();
        this.ackHandler = ctx.ackHandler();
        this.transport = transport;
        this.counters = counters;
        this.assignment = new StreamAssignment(streamCount, pathCount);
        this.windows = new SendWindow[streamCount];
        this.nextSequence = new long[streamCount];
        this.sendCursor = new long[streamCount];
        this.highestSent = new long[streamCount];
        this.ackedSequence = new long[streamCount];
        this.lastAckProgressNs = new long[streamCount];
        this.pathOfStream = new int[streamCount];
        for (int stream = 0; stream < streamCount; stream++)
        {
            final long first = ctx.firstSequence(stream);
            windows[stream] = new SendWindow(ctx.windowBytes(), ctx.windowRecords(), first);
            nextSequence[stream] = first;
            sendCursor[stream] = first;
            highestSent[stream] = first - 1;
            ackedSequence[stream] = first - 1;
            counters.ackedSequence[stream].setRelease(first - 1);
            pathOfStream[stream] = StreamAssignment.NO_PATH;
            counters.nextSequence[stream].setRelease(first);
            counters.streamPath[stream].setRelease(StreamAssignment.NO_PATH);
        }
        this.nowNs = clock.nanoTime();
        this.paths = new PathMonitor(ctx.clusterId(), ctx.epoch(), pathCount, ctx.heartbeatIntervalNs(),
            ctx.pathTimeoutNs(), counters, nowNs);
    }

    public String roleName()
    {
        return "tandem-mirror-sender";
    }

    /**
     * Takes the next record of a stream for mirroring, copied into the stream's window. Never blocks.
     *
     * @param sequence must be {@link #nextSequence(int)} of the stream.
     * @return {@link #OK}, {@link #WINDOW_FULL} or {@link #NO_LIVE_PATH}.
     * @throws IllegalArgumentException for a stream out of range, a sequence out of order, or a record longer than
     *                                  {@code maxRecordLength}.
     */
    public int offer(
        final int stream, final long sequence, final DirectBuffer buffer, final int offset, final int length)
    {
        final int refusal = check(stream, sequence, length);
        if (OK != refusal)
        {
            return refusal;
        }
        final SendWindow window = windows[stream];
        final int copyAt = window.append(sequence, length);
        if (copyAt < 0)
        {
            return WINDOW_FULL;
        }
        window.ring().putBytes(copyAt, buffer, offset, length);
        return taken(stream, sequence);
    }

    /**
     * Takes the next record of a stream for mirroring where it lies: the window keeps a reference, and the
     * {@code length} bytes at {@code offset} in {@code buffer} must stay as they are until the stream's
     * acknowledgement passes {@code sequence} (or the sender is {@link #abandon()}ed). Never blocks.
     *
     * @return as {@link #offer}.
     * @throws IllegalArgumentException as {@link #offer}.
     */
    public int offerInPlace(
        final int stream, final long sequence, final DirectBuffer buffer, final int offset, final int length)
    {
        final int refusal = check(stream, sequence, length);
        if (OK != refusal)
        {
            return refusal;
        }
        if (!windows[stream].appendInPlace(sequence, buffer, offset, length))
        {
            return WINDOW_FULL;
        }
        return taken(stream, sequence);
    }

    private int check(final int stream, final long sequence, final int length)
    {
        if (stream < 0 || stream >= streamCount)
        {
            throw new IllegalArgumentException("stream must be 0.." + (streamCount - 1) + ": " + stream);
        }
        if (sequence != nextSequence[stream])
        {
            throw new IllegalArgumentException(
                "stream " + stream + " expects sequence " + nextSequence[stream] + ", got " + sequence);
        }
        if (length < 0 || length > maxRecordLength)
        {
            throw new IllegalArgumentException("record length must be 0.." + maxRecordLength + ": " + length);
        }
        if (0 == liveMask || abandoned)
        {
            counters.noLivePath.incrementRelease();
            return NO_LIVE_PATH;
        }
        return OK;
    }

    private int taken(final int stream, final long sequence)
    {
        nextSequence[stream] = sequence + 1;
        counters.nextSequence[stream].setRelease(sequence + 1);
        counters.lag[stream].setRelease(sequence - ackedSequence[stream]);
        if (sendCursor[stream] == sequence)
        {
            send(stream);
        }
        return OK;
    }

    /**
     * @return true while a record offered in place from {@code buffer}, at an offset in [{@code from}, {@code to}),
     * is unacknowledged and may be sent again: the bytes there must not change yet.
     */
    public boolean holdsInPlace(final DirectBuffer buffer, final long from, final long to)
    {
        for (int stream = 0; stream < streamCount; stream++)
        {
            if (windows[stream].holdsInPlace(buffer, from, to))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Stops mirroring for good: drops every record held, acknowledged or not, and sends no data again; later offers
     * return {@link #NO_LIVE_PATH}. Paths are still watched and heartbeats still sent. For a primary that goes on
     * without its partner: what it held in place is then free to change.
     */
    public void abandon()
    {
        abandoned = true;
        for (int stream = 0; stream < streamCount; stream++)
        {
            windows[stream].clear();
            sendCursor[stream] = nextSequence[stream];
        }
    }

    public int doWork()
    {
        nowNs = clock.nanoTime();
        int workCount = 0;
        for (int path = 0; path < pathCount; path++)
        {
            workCount += transport.poll(path, frameHandler, FRAGMENT_LIMIT);
        }
        workCount += checkPaths();
        workCount += paths.sendHeartbeats(nowNs, transport);
        workCount += checkResendTimeouts();
        for (int stream = 0; stream < streamCount; stream++)
        {
            workCount += send(stream);
        }
        return workCount;
    }

    /**
     * @return the sequence the next {@link #offer} of the stream must carry.
     */
    public long nextSequence(final int stream)
    {
        return nextSequence[stream];
    }

    /**
     * @return every record of the stream up to this one is durable on the secondary; 0 before the first ack.
     */
    public long ackedSequence(final int stream)
    {
        return ackedSequence[stream];
    }

    /**
     * @return the path carrying the stream, or -1 while no path is up.
     */
    public int pathOf(final int stream)
    {
        return pathOfStream[stream];
    }

    /**
     * @return this endpoint's counters, for a status snapshot to copy on the owning duty cycle.
     */
    public InterconnectCounters counters()
    {
        return counters;
    }

    /**
     * @return bit i set while path i is up.
     */
    public int liveMask()
    {
        return liveMask;
    }

    public boolean hasLivePath()
    {
        return 0 != liveMask;
    }

    /**
     * @return why the path is down; meaningless while it is up.
     */
    public PathDownCause downCause(final int path)
    {
        return paths.downCause(path);
    }

    /**
     * @return true when every record offered has been acknowledged.
     */
    public boolean isIdle()
    {
        for (int stream = 0; stream < streamCount; stream++)
        {
            if (ackedSequence[stream] != nextSequence[stream] - 1)
            {
                return false;
            }
        }
        return true;
    }

    private int send(final int stream)
    {
        final int path = pathOfStream[stream];
        if (StreamAssignment.NO_PATH == path)
        {
            return 0;
        }
        final SendWindow window = windows[stream];
        final long end = nextSequence[stream];
        long cursor = sendCursor[stream];
        if (abandoned)
        {
            return 0;
        }
        if (cursor == ackedSequence[stream] + 1 && cursor < end)
        {
            lastAckProgressNs[stream] = nowNs;
        }
        int sent = 0;
        while (cursor < end)
        {
            final int payloadLength = window.length(cursor);
            dataFrame.wrap(frameHeader, 0);
            final int length = dataFrame.encodeHeader(clusterId, epoch, stream, cursor, payloadLength);
            if (transport.offer(path, frameHeader, 0, DataFrame.PAYLOAD_OFFSET,
                window.buffer(cursor), window.offset(cursor), payloadLength) < 0)
            {
                break;
            }
            counters.framesSent[path].incrementRelease();
            counters.bytesSent[path].getAndAddRelease(length);
            if (cursor <= highestSent[stream])
            {
                counters.retransmits[path].incrementRelease();
            }
            else
            {
                highestSent[stream] = cursor;
            }
            cursor++;
            sent++;
        }
        sendCursor[stream] = cursor;
        return sent;
    }

    private int checkPaths()
    {
        if (!paths.update(nowNs, transport))
        {
            return 0;
        }
        final int newMask = paths.liveMask();
        liveMask = newMask;

        assignment.assign(newMask);
        for (int stream = 0; stream < streamCount; stream++)
        {
            final int path = assignment.pathOf(stream);
            if (path != pathOfStream[stream])
            {
                pathOfStream[stream] = path;
                counters.streamPath[stream].setRelease(path);
                // whatever was in flight on the old path may be lost: resend from the oldest unacknowledged
                sendCursor[stream] = ackedSequence[stream] + 1;
                lastAckProgressNs[stream] = nowNs;
            }
        }
        return 1;
    }

    private int checkResendTimeouts()
    {
        int workCount = 0;
        for (int stream = 0; stream < streamCount; stream++)
        {
            if (!abandoned && highestSent[stream] > ackedSequence[stream] &&
                nowNs - lastAckProgressNs[stream] > resendTimeoutNs)
            {
                sendCursor[stream] = ackedSequence[stream] + 1;
                lastAckProgressNs[stream] = nowNs;
                workCount++;
            }
        }
        return workCount;
    }

    private void onFrame(final int path, final DirectBuffer buffer, final int offset, final int length)
    {
        final int verdict = FrameHeader.check(buffer, offset, length, clusterId, epoch, streamCount);
        if (FrameHeader.VALID != verdict)
        {
            countRefusal(verdict);
            return;
        }
        final byte type = FrameHeader.type(buffer, offset);
        if (FrameHeader.TYPE_ACK != type && FrameHeader.TYPE_HEARTBEAT != type)
        {
            counters.refusedMalformed.incrementRelease();
            return;
        }

        counters.framesReceived[path].incrementRelease();
        counters.bytesReceived[path].getAndAddRelease(length);
        paths.onHeard(path, nowNs, buffer, offset);
        if (FrameHeader.TYPE_ACK == type)
        {
            final int entryCount = AckFrame.entryCount(buffer, offset);
            for (int i = 0; i < entryCount; i++)
            {
                onAck(AckFrame.entryStream(buffer, offset, i), AckFrame.entrySequence(buffer, offset, i));
            }
        }
    }

    private void onAck(final int stream, final long sequence)
    {
        if (abandoned || sequence <= ackedSequence[stream])
        {
            counters.duplicates.incrementRelease();
            return;
        }
        if (sequence > highestSent[stream])
        {
            // acknowledges what was never sent: not ours to believe
            counters.refusedMalformed.incrementRelease();
            return;
        }
        windows[stream].release(sequence);
        ackedSequence[stream] = sequence;
        lastAckProgressNs[stream] = nowNs;
        if (sendCursor[stream] <= sequence)
        {
            sendCursor[stream] = sequence + 1;
        }
        counters.ackedSequence[stream].setRelease(sequence);
        counters.lag[stream].setRelease(nextSequence[stream] - 1 - sequence);
        if (null != ackHandler)
        {
            ackHandler.onAcked(stream, sequence);
        }
    }

    private void countRefusal(final int verdict)
    {
        switch (verdict)
        {
            case FrameHeader.OTHER_CLUSTER:
                counters.refusedOtherCluster.incrementRelease();
                break;
            case FrameHeader.WRONG_EPOCH:
                counters.refusedEpoch.incrementRelease();
                break;
            default:
                counters.refusedMalformed.incrementRelease();
        }
    }
}
