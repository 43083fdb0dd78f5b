package io.tandem.interconnect.path;

/**
 * Decides which paths are up from what was heard on them: a path is up while a valid frame (heartbeat, ack or
 * record) arrived on it within the last {@code timeoutNs} and its outgoing publication is connected; it is down
 * otherwise. Starts with every path down until it is heard.
 * <p>
 * Time is passed in ({@code nowNs}), never read here, so tests step it.
 * <p>
 * Not thread-safe: owned by one duty cycle.
 */
public final class PathLiveness
{
    private final long timeoutNs;
    private final long[] lastHeardNs;
    private final boolean[] heard;
    private int liveMask;

    public PathLiveness(final int pathCount, final long timeoutNs)
    {
        this.timeoutNs = timeoutNs;
        this.lastHeardNs = new long[pathCount];
        this.heard = new boolean[pathCount];
    }

    /**
     * A valid frame arrived on {@code path}.
     */
    public void onHeard(final int path, final long nowNs)
    {
        lastHeardNs[path] = nowNs;
        heard[path] = true;
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
            if (heard[path] && nowNs - lastHeardNs[path] <= timeoutNs && (connectedMask & (1 << path)) != 0)
            {
                mask |= 1 << path;
            }
        }
        liveMask = mask;
        return mask;
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
