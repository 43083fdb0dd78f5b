package io.tandem.interconnect.path;

import java.util.Arrays;

/**
 * Which path carries which stream: streams are dealt round robin over the live paths in path order, so stream
 * {@code s} goes to the {@code (s mod liveCount)}-th live path. With every path live the streams are spread
 * evenly; when a path dies its streams and the others are dealt again over the survivors; when none lives every
 * stream is unassigned ({@link #NO_PATH}).
 * <p>
 * The function is pure: the same live set always gives the same assignment, so the sender and an operator
 * reading counters agree on it.
 * <p>
 * Not thread-safe: owned by the sender's duty cycle.
 */
public final class StreamAssignment
{
    public static final int NO_PATH = -1;

    private final int[] pathOfStream;
    private final int[] livePaths;

    public StreamAssignment(final int streamCount, final int maxPaths)
    {
        pathOfStream = new int[streamCount];
        livePaths = new int[maxPaths];
        Arrays.fill(pathOfStream, NO_PATH);
    }

    /**
     * Deals the streams over the paths set in {@code liveMask} (bit i set = path i live).
     *
     * @return how many streams changed path.
     */
    public int assign(final int liveMask)
    {
        int liveCount = 0;
        for (int path = 0; path < livePaths.length; path++)
        {
            if ((liveMask & (1 << path)) != 0)
            {
                livePaths[liveCount++] = path;
            }
        }
        int moved = 0;
        for (int stream = 0; stream < pathOfStream.length; stream++)
        {
            final int path = 0 == liveCount ? NO_PATH : livePaths[stream % liveCount];
            if (path != pathOfStream[stream])
            {
                pathOfStream[stream] = path;
                moved++;
            }
        }
        return moved;
    }

    /**
     * @return the path carrying {@code stream}, or {@link #NO_PATH}.
     */
    public int pathOf(final int stream)
    {
        return pathOfStream[stream];
    }

    public int streamCount()
    {
        return pathOfStream.length;
    }
}
