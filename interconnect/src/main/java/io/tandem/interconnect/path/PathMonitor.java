package io.tandem.interconnect.path;

import io.tandem.interconnect.protocol.FrameHeader;
import io.tandem.interconnect.protocol.HeartbeatFrame;
import io.tandem.interconnect.status.InterconnectCounters;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Path health as both ends run it: sends a heartbeat on every path (up or down) every {@code heartbeatIntervalNs},
 * re-evaluates which paths are up ({@link PathLiveness}) and keeps the path counters (state, down events, live
 * paths) in step. The sender and the receiver each own one.
 * <p>
 * Not thread-safe: owned by one duty cycle; time is passed in.
 */
public final class PathMonitor
{
    private final long clusterId;
    private final long epoch;
    private final long heartbeatIntervalNs;
    private final PathLiveness liveness;
    private final InterconnectCounters counters;
    private final HeartbeatFrame heartbeatFrame = new HeartbeatFrame();
    private final UnsafeBuffer heartbeatBuffer = new UnsafeBuffer(new byte[HeartbeatFrame.LENGTH]);
    private final long[] lastHeartbeatNs;
    private int liveMask;

    public PathMonitor(
        final long clusterId,
        final long epoch,
        final int pathCount,
        final long heartbeatIntervalNs,
        final long pathTimeoutNs,
        final InterconnectCounters counters,
        final long nowNs)
    {
        this.clusterId = clusterId;
        this.epoch = epoch;
        this.heartbeatIntervalNs = heartbeatIntervalNs;
        this.liveness = new PathLiveness(pathCount, pathTimeoutNs);
        this.counters = counters;
        this.lastHeartbeatNs = new long[pathCount];
        for (int path = 0; path < pathCount; path++)
        {
            lastHeartbeatNs[path] = nowNs - heartbeatIntervalNs;
        }
    }

    /**
     * A valid frame arrived on {@code path}: a heartbeat's sending time feeds the quick rule of
     * {@link PathLiveness}, any other frame only refreshes the path.
     */
    public void onHeard(final int path, final long nowNs, final DirectBuffer buffer, final int offset)
    {
        if (FrameHeader.TYPE_HEARTBEAT == FrameHeader.type(buffer, offset))
        {
            liveness.onHeartbeat(path, nowNs, HeartbeatFrame.timestampNs(buffer, offset));
        }
        else
        {
            liveness.onHeard(path, nowNs);
        }
    }

    /**
     * Re-evaluates every path against the transport's connection state.
     *
     * @return true when the set of up paths changed.
     */
    public boolean update(final long nowNs, final PathTransport transport)
    {
        int connectedMask = 0;
        for (int path = 0; path < lastHeartbeatNs.length; path++)
        {
            if (transport.isConnected(path))
            {
                connectedMask |= 1 << path;
            }
        }
        final int newMask = liveness.evaluate(nowNs, connectedMask);
        if (newMask == liveMask)
        {
            return false;
        }
        for (int path = 0; path < lastHeartbeatNs.length; path++)
        {
            final boolean wasLive = (liveMask & (1 << path)) != 0;
            final boolean isLive = (newMask & (1 << path)) != 0;
            if (wasLive && !isLive)
            {
                counters.downEvents[path].incrementRelease();
                if (PathDownCause.SILENT_ALONE == liveness.downCause(path))
                {
                    counters.aloneDownEvents[path].incrementRelease();
                }
            }
            counters.pathState[path].setRelease(isLive ? 1 : 0);
        }
        liveMask = newMask;
        counters.livePaths.setRelease(Integer.bitCount(newMask));
        return true;
    }

    /**
     * Sends the heartbeats that are due.
     *
     * @return how many were due.
     */
    public int sendHeartbeats(final long nowNs, final PathTransport transport)
    {
        int workCount = 0;
        for (int path = 0; path < lastHeartbeatNs.length; path++)
        {
            if (nowNs - lastHeartbeatNs[path] >= heartbeatIntervalNs)
            {
                heartbeatFrame.wrap(heartbeatBuffer, 0);
                final int length = heartbeatFrame.encode(clusterId, epoch, nowNs);
                if (transport.offer(path, heartbeatBuffer, 0, length) > 0)
                {
                    counters.framesSent[path].incrementRelease();
                    counters.bytesSent[path].getAndAddRelease(length);
                }
                lastHeartbeatNs[path] = nowNs;
                workCount++;
            }
        }
        return workCount;
    }

    /**
     * @return bit i set while path i is up, as of the last {@link #update}.
     */
    public int liveMask()
    {
        return liveMask;
    }

    public boolean isLive(final int path)
    {
        return (liveMask & (1 << path)) != 0;
    }

    /**
     * @return why {@code path} went down, as of the last {@link #update}; meaningless while it is up.
     */
    public PathDownCause downCause(final int path)
    {
        return liveness.downCause(path);
    }
}
