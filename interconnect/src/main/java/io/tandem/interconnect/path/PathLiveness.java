package io.tandem.interconnect.path;

import java.util.Arrays;

/**
 * Decides which paths are up from what was heard on them. A path is up while its outgoing publication is
 * connected and a valid frame (heartbeat, ack or record) arrived on it within the last {@code timeoutNs}; it is
 * down otherwise. Starts with every path down until it is heard.
 * <p>
 * A path goes down sooner, after {@link #quickTimeoutNs()} (two fifths of the timeout) of silence, when the
 * partner demonstrably kept sending on every path meanwhile: another path delivered at least
 * {@link #EVIDENCE_BEATS} of the partner's heartbeats sent after the silent path's last one, spanning at least the
 * quick timeout on the partner's clock and arriving over at least {@link #spreadNs()} (a fifth of the quick
 * timeout) on ours. The partner sends its heartbeats on all paths in the same duty cycle, so the silent path's were
 * sent too and were lost on the way: the silence is the path's own (a pulled cable).
 * <p>
 * The evidence is counted in the partner's heartbeats, not in the gaps between frames seen here, so a pause of
 * either end delays the quick rule by the pause's length and no more. A starved or paused partner sends nothing on
 * any path. A starved or paused receiving host finds every path's frames waiting at once; the frames of one path
 * may be read a moment before another's, but the arrival spread means the receiver ran again after the burst and
 * would have read the silent path's frames had there been any. The path heard last never goes down on the quick
 * rule (no heartbeat was sent after its last one), so it never takes every path down; when every path falls silent
 * together only the full timeout applies.
 * <p>
 * Time is passed in ({@code nowNs}), never read here, so tests step it. The partner's clock is compared only with
 * itself.
 * <p>
 * Not thread-safe: owned by one duty cycle.
 */
public final class PathLiveness
{
    /**
     * The fewest of the partner's heartbeats on another path that show it kept sending.
     */
    public static final int EVIDENCE_BEATS = 3;

    private static final long NOT_YET = Long.MIN_VALUE;

    private final int pathCount;
    private final long timeoutNs;
    private final long quickTimeoutNs;
    private final long[] lastHeardNs;
    private final boolean[] heard;
    /** For each path: the partner's clock in its last heartbeat on it; NOT_YET if none. */
    private final long[] lastBeatSentNs;
    /** For [path * pathCount + other]: heartbeats heard on other, sent after path's last heartbeat. */
    private final int[] beatsSince;
    /** For [path * pathCount + other]: the partner's clock in the latest of those. */
    private final long[] latestBeatSentNs;
    /** For [path * pathCount + other]: when the first of those arrived, on our clock. */
    private final long[] firstBeatHeardNs;
    private final long spreadNs;
    private final PathDownCause[] downCause;
    private int liveMask;

    public PathLiveness(final int pathCount, final long timeoutNs)
    {
        this.pathCount = pathCount;
        this.timeoutNs = timeoutNs;
        this.quickTimeoutNs = timeoutNs * 2 / 5;
        this.spreadNs = quickTimeoutNs / 5;
        this.lastHeardNs = new long[pathCount];
        this.heard = new boolean[pathCount];
        this.lastBeatSentNs = new long[pathCount];
        this.beatsSince = new int[pathCount * pathCount];
        this.latestBeatSentNs = new long[pathCount * pathCount];
        this.firstBeatHeardNs = new long[pathCount * pathCount];
        this.downCause = new PathDownCause[pathCount];
        Arrays.fill(lastBeatSentNs, NOT_YET);
        Arrays.fill(downCause, PathDownCause.NEVER_HEARD);
    }

    /**
     * A valid frame other than a heartbeat arrived on {@code path}.
     */
    public void onHeard(final int path, final long nowNs)
    {
        lastHeardNs[path] = nowNs;
        heard[path] = true;
    }

    /**
     * A heartbeat arrived on {@code path}, sent at {@code sentNs} on the partner's clock.
     */
    public void onHeartbeat(final int path, final long nowNs, final long sentNs)
    {
        onHeard(path, nowNs);
        for (int other = 0; other < pathCount; other++)
        {
            final int index = other * pathCount + path;
            if (other != path && NOT_YET != lastBeatSentNs[other] && sentNs > lastBeatSentNs[other])
            {
                if (0 == beatsSince[index]++)
                {
                    firstBeatHeardNs[index] = nowNs;
                }
                latestBeatSentNs[index] = Math.max(latestBeatSentNs[index], sentNs);
            }
        }
        lastBeatSentNs[path] = sentNs;
        Arrays.fill(beatsSince, path * pathCount, (path + 1) * pathCount, 0);
        Arrays.fill(latestBeatSentNs, path * pathCount, (path + 1) * pathCount, NOT_YET);
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
        for (int path = 0; path < pathCount; path++)
        {
            final long silentNs = nowNs - lastHeardNs[path];
            if (!heard[path])
            {
                downCause[path] = PathDownCause.NEVER_HEARD;
            }
            else if ((connectedMask & (1 << path)) == 0)
            {
                downCause[path] = PathDownCause.NOT_CONNECTED;
            }
            else if (silentNs > timeoutNs)
            {
                downCause[path] = PathDownCause.SILENT;
            }
            else if (silentNs > quickTimeoutNs && partnerKeptSending(path))
            {
                downCause[path] = PathDownCause.SILENT_ALONE;
            }
            else
            {
                mask |= 1 << path;
            }
        }
        liveMask = mask;
        return mask;
    }

    /**
     * @return true if another path delivered enough of the partner's heartbeats sent after {@code path}'s last.
     */
    private boolean partnerKeptSending(final int path)
    {
        for (int other = 0; other < pathCount; other++)
        {
            final int index = path * pathCount + other;
            if (other != path && beatsSince[index] >= EVIDENCE_BEATS &&
                latestBeatSentNs[index] - lastBeatSentNs[path] >= quickTimeoutNs &&
                lastHeardNs[other] - firstBeatHeardNs[index] >= spreadNs)
            {
                return true;
            }
        }
        return false;
    }

    /**
     * @return the silence after which a path goes down when the partner demonstrably kept sending on the others.
     */
    public long quickTimeoutNs()
    {
        return quickTimeoutNs;
    }

    /**
     * @return the least time over which the evidence of the quick rule must arrive here.
     */
    public long spreadNs()
    {
        return spreadNs;
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
     * @return why {@code path} was down at the last {@link #evaluate(long, int)}; meaningless while it is up.
     */
    public PathDownCause downCause(final int path)
    {
        return downCause[path];
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
        return pathCount;
    }
}
