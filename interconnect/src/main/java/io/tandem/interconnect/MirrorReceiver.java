package io.tandem.interconnect;

import io.tandem.interconnect.path.PathMonitor;
import io.tandem.interconnect.path.PathTransport;
import io.tandem.interconnect.protocol.AckFrame;
import io.tandem.interconnect.protocol.DataFrame;
import io.tandem.interconnect.protocol.FrameHeader;
import io.tandem.interconnect.status.InterconnectCounters;
import io.tandem.interconnect.stream.HoldBack;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The secondary's side of the mirror: receives records from every path and hands each stream's records to the
 * {@link RecordSink} strictly in sequence order, exactly once; acknowledges per stream, cumulatively, what the sink
 * reported durable.
 * <p>
 * <b>Ordering.</b> Per stream it waits for one sequence, starting at
 * {@link InterconnectContext#firstSequence(int)} (1 for a fresh mirror). A record below it is a duplicate (a resend
 * after a failover) and is dropped; the stream is acknowledged again so a primary that lost the earlier ack learns
 * it. A record above it arrived early (its stream moved to a faster path) and is held back, up to
 * {@code windowRecords} ahead; further ahead it is dropped and counted (the sender's window makes that impossible
 * in a well-configured pair; the sender's resend timeout covers it otherwise).
 * <p>
 * <b>Durability.</b> {@link #markDurable(int, long)} may be called from any thread, at any time after the record
 * was handed on: only then is it acknowledged, on the path the stream's last record came on (or any up path).
 * <p>
 * <b>Refusals.</b> A frame that is short, of an unknown version or type, with lengths that do not add up, from
 * another cluster, or from another epoch is counted and dropped before it can reach the sink or the path state.
 * <p>
 * Not thread-safe, except {@link #markDurable(int, long)}, {@link #deliveredSequence(int)} and
 * {@link #durableSequence(int)}: {@link #doWork()} runs on one thread. No allocation after construction.
 */
public final class MirrorReceiver implements Agent
{
    private static final int FRAGMENT_LIMIT = 256;
    private static final int POSITION_STRIDE = 64;
    private static final int DELIVERED_OFFSET = 0;
    private static final int DURABLE_OFFSET = 8;
    private static final int OFFERED_OFFSET = 16;

    private final long clusterId;
    private final long epoch;
    private final int streamCount;
    private final int pathCount;
    private final NanoClock clock;
    private final RecordSink sink;
    private final PathTransport transport;
    private final InterconnectCounters counters;
    private final PathMonitor paths;
    private final HoldBack[] holdBacks;
    private final AckFrame[] ackFrames;
    private final int[] ackEntries;
    private final PathTransport.FrameHandler frameHandler = this::onFrame;

    /** Per stream, padded to a cache line: delivered (agent writes) and durable (any thread proposes). */
    private final UnsafeBuffer positions;
    private final long[] expected;
    private final long[] ackSent;
    private final boolean[] ackDue;
    private final int[] lastPath;

    private long nowNs;
    private int liveMask;

    public MirrorReceiver(
        final InterconnectContext ctx, final PathTransport transport, final InterconnectCounters counters)
    {
        this.clusterId = ctx.clusterId();
        this.epoch = ctx.epoch();
        this.streamCount = ctx.streamCount();
        this.pathCount = ctx.pathCount();
        this.clock = ctx.nanoClock();
        this.sink = ctx.recordSink();
        if (null == sink)
        {
            throw new IllegalArgumentException("a receiver needs a recordSink");
        }
        this.transport = transport;
        this.counters = counters;
        this.holdBacks = new HoldBack[streamCount];
        this.positions = new UnsafeBuffer(BufferUtil.allocateDirectAligned(streamCount * POSITION_STRIDE, 64));
        this.expected = new long[streamCount];
        this.ackSent = new long[streamCount];
        this.ackDue = new boolean[streamCount];
        this.lastPath = new int[streamCount];
        this.ackFrames = new AckFrame[pathCount];
        this.ackEntries = new int[pathCount];
        for (int path = 0; path < pathCount; path++)
        {
            ackFrames[path] = new AckFrame();
            ackFrames[path].wrap(new UnsafeBuffer(new byte[AckFrame.frameLength(streamCount)]), 0);
        }
        for (int stream = 0; stream < streamCount; stream++)
        {
            holdBacks[stream] = new HoldBack(ctx.windowRecords(), ctx.maxRecordLength());
            final long first = ctx.firstSequence(stream);
            expected[stream] = first;
            ackSent[stream] = first - 1;
            positions.putLongRelease(stream * POSITION_STRIDE + DELIVERED_OFFSET, first - 1);
            positions.putLongRelease(stream * POSITION_STRIDE + DURABLE_OFFSET, first - 1);
            positions.putLongRelease(stream * POSITION_STRIDE + OFFERED_OFFSET, first - 1);
            counters.ackedSequence[stream].setRelease(first - 1);
            lastPath[stream] = -1;
            counters.nextSequence[stream].setRelease(first);
            counters.streamPath[stream].setRelease(-1);
        }
        this.nowNs = clock.nanoTime();
        this.paths = new PathMonitor(ctx.clusterId(), ctx.epoch(), pathCount, ctx.heartbeatIntervalNs(),
            ctx.pathTimeoutNs(), counters, nowNs);
    }

    public String roleName()
    {
        return "tandem-mirror-receiver";
    }

    /**
     * Reports that every record of {@code stream} up to {@code sequence} is durable, so it may be acknowledged.
     * Thread-safe; a lower sequence than already reported is ignored.
     *
     * @throws IllegalArgumentException when the sequence was not yet handed to the sink.
     */
    public void markDurable(final int stream, final long sequence)
    {
        final int offset = stream * POSITION_STRIDE;
        if (sequence > positions.getLongVolatile(offset + OFFERED_OFFSET))
        {
            throw new IllegalArgumentException("stream " + stream + " sequence " + sequence +
                " was not handed to the sink yet (delivered " + deliveredSequence(stream) + ")");
        }
        while (true)
        {
            final long current = positions.getLongVolatile(offset + DURABLE_OFFSET);
            if (sequence <= current || positions.compareAndSetLong(offset + DURABLE_OFFSET, current, sequence))
            {
                return;
            }
        }
    }

    /**
     * @return this endpoint's counters, for a status snapshot to copy on the owning duty cycle.
     */
    public InterconnectCounters counters()
    {
        return counters;
    }

    /**
     * @return the last sequence of the stream handed to the sink. Thread-safe.
     */
    public long deliveredSequence(final int stream)
    {
        return positions.getLongVolatile(stream * POSITION_STRIDE + DELIVERED_OFFSET);
    }

    /**
     * @return the highest sequence of the stream reported durable. Thread-safe.
     */
    public long durableSequence(final int stream)
    {
        return positions.getLongVolatile(stream * POSITION_STRIDE + DURABLE_OFFSET);
    }

    /**
     * @return the last sequence of the stream acknowledged to the primary.
     */
    public long ackedSequence(final int stream)
    {
        return ackSent[stream];
    }

    /**
     * @return bit i set while path i is heard from.
     */
    public int liveMask()
    {
        return liveMask;
    }

    public int doWork()
    {
        nowNs = clock.nanoTime();
        int workCount = 0;
        for (int path = 0; path < pathCount; path++)
        {
            workCount += transport.poll(path, frameHandler, FRAGMENT_LIMIT);
        }
        for (int stream = 0; stream < streamCount; stream++)
        {
            workCount += drainHoldBack(stream);
        }
        workCount += checkPaths();
        workCount += sendAcks();
        workCount += paths.sendHeartbeats(nowNs, transport);
        return workCount;
    }

    private void onFrame(final int path, final DirectBuffer buffer, final int offset, final int length)
    {
        final int verdict = FrameHeader.check(buffer, offset, length, clusterId, epoch, streamCount);
        if (FrameHeader.VALID != verdict)
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
            return;
        }
        final byte type = FrameHeader.type(buffer, offset);
        if (FrameHeader.TYPE_DATA != type && FrameHeader.TYPE_HEARTBEAT != type)
        {
            counters.refusedMalformed.incrementRelease();
            return;
        }

        counters.framesReceived[path].incrementRelease();
        counters.bytesReceived[path].getAndAddRelease(length);
        paths.onHeard(path, nowNs, buffer, offset);
        if (FrameHeader.TYPE_DATA == type)
        {
            onData(path, DataFrame.stream(buffer, offset), DataFrame.sequence(buffer, offset),
                buffer, offset + DataFrame.PAYLOAD_OFFSET, length - DataFrame.PAYLOAD_OFFSET);
        }
    }

    private void onData(
        final int path,
        final int stream,
        final long sequence,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        if (lastPath[stream] != path)
        {
            lastPath[stream] = path;
            counters.streamPath[stream].setRelease(path);
        }
        final long next = expected[stream];
        final HoldBack holdBack = holdBacks[stream];
        if (sequence < next)
        {
            counters.duplicates.incrementRelease();
            ackDue[stream] = true;
        }
        else if (sequence > next)
        {
            if (!holdBack.hold(next, sequence, buffer, offset, length))
            {
                counters.holdBackRefused.incrementRelease();
            }
        }
        else if (holdBack.holds(next))
        {
            // the sink pushed this one back before: the copy already held goes to it on a later duty cycle
            counters.duplicates.incrementRelease();
        }
        else if (offerToSink(stream, sequence, buffer, offset, length))
        {
            advance(stream, sequence);
            drainHoldBack(stream);
        }
        else
        {
            holdBack.hold(next, sequence, buffer, offset, length);
        }
    }

    private int drainHoldBack(final int stream)
    {
        final HoldBack holdBack = holdBacks[stream];
        int delivered = 0;
        long next = expected[stream];
        while (holdBack.holds(next) &&
            offerToSink(stream, next, holdBack.buffer(), holdBack.offset(next), holdBack.length(next)))
        {
            holdBack.remove(next);
            advance(stream, next);
            next++;
            delivered++;
        }
        return delivered;
    }

    private boolean offerToSink(
        final int stream, final long sequence, final DirectBuffer buffer, final int offset, final int length)
    {
        // published first so a sink may mark the record durable from inside onRecord
        positions.putLongRelease(stream * POSITION_STRIDE + OFFERED_OFFSET, sequence);
        return sink.onRecord(stream, sequence, buffer, offset, length);
    }

    private void advance(final int stream, final long sequence)
    {
        expected[stream] = sequence + 1;
        positions.putLongRelease(stream * POSITION_STRIDE + DELIVERED_OFFSET, sequence);
        counters.nextSequence[stream].setRelease(sequence + 1);
    }

    private int checkPaths()
    {
        if (!paths.update(nowNs, transport))
        {
            return 0;
        }
        liveMask = paths.liveMask();
        return 1;
    }

    private int sendAcks()
    {
        boolean any = false;
        for (int stream = 0; stream < streamCount; stream++)
        {
            final long durable = durableSequence(stream);
            counters.lag[stream].setRelease(expected[stream] - 1 - durable);
            if (durable > ackSent[stream] || (ackDue[stream] && durable > 0))
            {
                final int path = ackPath(stream);
                if (path >= 0)
                {
                    if (0 == ackEntries[path])
                    {
                        ackFrames[path].begin(clusterId, epoch);
                    }
                    ackFrames[path].entry(ackEntries[path]++, stream, durable);
                    any = true;
                }
            }
        }
        if (!any)
        {
            return 0;
        }

        int workCount = 0;
        for (int path = 0; path < pathCount; path++)
        {
            final int entries = ackEntries[path];
            if (0 == entries)
            {
                continue;
            }
            final AckFrame frame = ackFrames[path];
            final int length = frame.entryCount(entries);
            ackEntries[path] = 0;
            if (transport.offer(path, frame.buffer(), 0, length) > 0)
            {
                counters.framesSent[path].incrementRelease();
                counters.bytesSent[path].getAndAddRelease(length);
                for (int i = 0; i < entries; i++)
                {
                    final int stream = AckFrame.entryStream(frame.buffer(), 0, i);
                    ackSent[stream] = AckFrame.entrySequence(frame.buffer(), 0, i);
                    ackDue[stream] = false;
                    counters.ackedSequence[stream].setRelease(ackSent[stream]);
                }
                workCount++;
            }
        }
        return workCount;
    }

    private int ackPath(final int stream)
    {
        final int path = lastPath[stream];
        if (path >= 0 && paths.isLive(path))
        {
            return path;
        }
        if (0 != liveMask)
        {
            return Integer.numberOfTrailingZeros(liveMask);
        }
        return path;
    }

}
