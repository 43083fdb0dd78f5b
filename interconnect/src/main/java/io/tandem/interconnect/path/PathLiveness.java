package io.tandem.interconnect.path;

/**
 * Decides which paths are up from what was heard on them. A path is up while its outgoing publication is
 * connected and a valid frame (heartbeat, ack or record) arrived on it within the last {@code timeoutNs}; it is
 * down otherwise. Starts with every path down until it is heard.
 * <p>
 * A path goes down sooner, after {@link #quickTimeoutNs()} (half the timeout) of silence, when another path was
 * heard steadily all that time: frames on it never more than {@link #steadyGapNs()} (a quarter of the timeout)
 * apart, the last one that recent. Both ends were then demonstrably running, so the silence is the path's own (a
 * pulled cable). When every path falls silent together, as it does when either end is starved of CPU, paused or
 * collecting garbage, no path is heard steadily, and only the full timeout takes a path down: a busy host does
 * not make a healthy path flap.
 * <p>
 * Time is passed in ({@code nowNs}), never read here, so tests step it.
 * <p>
 * Not thread-safe: owned by one duty cycle.
 */
public final class PathLiveness
{
    private static final long NOT_YET = Long.MIN_VALUE;

    private final long timeoutNs;
    private final long quickTimeoutNs;
    private final long steadyGapNs;
    private final long[] lastHeardNs;
    private final boolean[] heard;
    /** For each path: the longest gap between frames on the other paths since it was last heard; NOT_YET if none. */
    private final long[] othersMaxGapNs;
    private int liveMask;

    public PathLiveness(final int pathCount, final long timeoutNs)
    {
        this.timeoutNs = timeoutNs;
        this.quickTimeoutNs = timeoutNs / 2;
        this.steadyGapNs = timeoutNs / 4;
        this.lastHeardNs = new long[pathCount];
        this.heard = new boolean[pathCount];
        this.othersMaxGapNs = new long[pathCount];
        java.util.Arrays.fill(othersMaxGapNs, NOT_YET);
    }

    /**
     * A valid frame arrived on {@code path}.
     */
    public void onHeard(final int path, final long nowNs)
    {
        // the gap since this path's last frame counts against every other path's silence (a first frame has none)
        final long gapNs = nowNs - lastHeardNs[path];
        for (int other = 0; other < lastHeardNs.length; other++)
        {
            if (other != path && heard[other] && heard[path])
            {
                // a gap that began before the other path's last frame is counted whole: it errs on the slow side
                othersMaxGapNs[other] = Math.max(othersMaxGapNs[other], gapNs);
            }
        }
        lastHeardNs[path] = nowNs;
        heard[path] = true;
        othersMaxGapNs[path] = NOT_YET;
    }

    /**
     * Re-evaluates every path.
     *
     * @param connectedMask bit i set when path i's outgoing publication is connected.
     * @return the new live mask (bit i set = path i up).
     */
    public int evaluate(final long nowNs, final int connectedMask)
    {
        int mask = 0;
        for (int path = 0; path < lastHeardNs.length; path++)
        {
            if (heard[path] && (connectedMask & (1 << path)) != 0)
            {
                final long silentNs = nowNs - lastHeardNs[path];
                if (silentNs <= quickTimeoutNs || silentNs <= timeoutNs && !othersSteady(path, nowNs))
                {
                    mask |= 1 << path;
                }
            }
        }
        liveMask = mask;
        return mask;
    }

    /**
     * @return true if another path was heard steadily since {@code path} was last heard, and just now.
     */
    private boolean othersSteady(final int path, final long nowNs)
    {
        if (NOT_YET == othersMaxGapNs[path] || othersMaxGapNs[path] > steadyGapNs)
        {
            return false;
        }
        for (int other = 0; other < lastHeardNs.length; other++)
        {
            if (other != path && heard[other] && nowNs - lastHeardNs[other] <= steadyGapNs)
            {
                return true;
            }
        }
        return false;
    }

    /**
     * @return the silence after which a path goes down when another path was heard steadily meanwhile.
     */
    public long quickTimeoutNs()
    {
        return quickTimeoutNs;
    }

    /**
     * @return the longest gap between frames on a path that still counts as hearing it steadily.
     */
    public long steadyGapNs()
    {
        return steadyGapNs;
    }

    /**
     * @return the mask computed by the last {@link #evaluate(long, int)}.
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
     * @return when {@code path} was last heard, or {@link Long#MIN_VALUE} if never.
     */
    public long lastHeardNs(final int path)
    {
        return heard[path] ? lastHeardNs[path] : Long.MIN_VALUE;
    }

    public int pathCount()
    {
        return lastHeardNs.length;
    }
}
