package io.tandem.controller.metrics;

import io.tandem.interconnect.status.InterconnectCounters;

/**
 * An interconnect endpoint's counters as a role's agent last copied them from its Aeron counters (frames and bytes
 * each way per path, records sent again, times each path went down, frames refused), part of the role's status
 * snapshot: a scrape reads the copy, never the counters of an endpoint a role change may be closing.
 * <p>
 * Not thread-safe: the agent captures into its snapshot's; readers copy a whole snapshot, as
 * {@link io.tandem.controller.status.StatusSnapshot} does.
 */
public final class PathCounters
{
    private final long[] framesSent;
    private final long[] bytesSent;
    private final long[] framesReceived;
    private final long[] bytesReceived;
    private final long[] retransmits;
    private final long[] downEvents;
    private long refusedMalformed;
    private long refusedOtherCluster;
    private long refusedEpoch;
    private long holdBackRefused;
    private long duplicates;
    private long noLivePath;

    public PathCounters(final int paths)
    {
        framesSent = new long[paths];
        bytesSent = new long[paths];
        framesReceived = new long[paths];
        bytesReceived = new long[paths];
        retransmits = new long[paths];
        downEvents = new long[paths];
    }

    /**
     * Copies the endpoint's counters: on the agent, allocating nothing.
     */
    public void capture(final InterconnectCounters counters)
    {
        for (int path = 0; path < framesSent.length && path < counters.framesSent.length; path++)
        {
            framesSent[path] = counters.framesSent[path].get();
            bytesSent[path] = counters.bytesSent[path].get();
            framesReceived[path] = counters.framesReceived[path].get();
            bytesReceived[path] = counters.bytesReceived[path].get();
            retransmits[path] = counters.retransmits[path].get();
            downEvents[path] = counters.downEvents[path].get();
        }
        refusedMalformed = counters.refusedMalformed.get();
        refusedOtherCluster = counters.refusedOtherCluster.get();
        refusedEpoch = counters.refusedEpoch.get();
        holdBackRefused = counters.holdBackRefused.get();
        duplicates = counters.duplicates.get();
        noLivePath = counters.noLivePath.get();
    }

    public void copyFrom(final PathCounters from)
    {
        System.arraycopy(from.framesSent, 0, framesSent, 0, framesSent.length);
        System.arraycopy(from.bytesSent, 0, bytesSent, 0, bytesSent.length);
        System.arraycopy(from.framesReceived, 0, framesReceived, 0, framesReceived.length);
        System.arraycopy(from.bytesReceived, 0, bytesReceived, 0, bytesReceived.length);
        System.arraycopy(from.retransmits, 0, retransmits, 0, retransmits.length);
        System.arraycopy(from.downEvents, 0, downEvents, 0, downEvents.length);
        refusedMalformed = from.refusedMalformed;
        refusedOtherCluster = from.refusedOtherCluster;
        refusedEpoch = from.refusedEpoch;
        holdBackRefused = from.holdBackRefused;
        duplicates = from.duplicates;
        noLivePath = from.noLivePath;
    }

    /**
     * Writes each path's state and traffic and the endpoint's refusals.
     *
     * @param liveMask bit N set while path N is up.
     */
    public void write(final MetricsWriter out, final int liveMask, final boolean[] pulled)
    {
        for (int path = 0; path < framesSent.length; path++)
        {
            final String id = Integer.toString(path);
            out.flag("tandem_path_up", "1 while the interconnect path carries frames, 0 while it is down",
                0 != (liveMask & (1 << path)), "path", id);
            out.flag("tandem_path_pulled", "1 while the path is pulled (`ctl path pull`): every frame dropped",
                pulled[path], "path", id);
            frames(out, id, "sent", framesSent[path], bytesSent[path]);
            frames(out, id, "received", framesReceived[path], bytesReceived[path]);
            out.counter("tandem_path_retransmitted_records", "Records sent again on the path after a failover or " +
                "an ack timeout, since the role started", retransmits[path], "path", id);
            out.counter("tandem_path_down_events", "Times the path was declared down, since the role started",
                downEvents[path], "path", id);
        }
        refused(out, "malformed", refusedMalformed);
        refused(out, "other_cluster", refusedOtherCluster);
        refused(out, "stale_epoch", refusedEpoch);
        refused(out, "hold_back_full", holdBackRefused);
        out.counter("tandem_interconnect_duplicate_records", "Records that arrived again (receiver) or acks for " +
            "nothing outstanding (sender), since the role started", duplicates);
        out.counter("tandem_interconnect_no_live_path", "Offers refused because no path was up, since the role " +
            "started", noLivePath);
    }

    private static void frames(
        final MetricsWriter out, final String path, final String direction, final long frames, final long bytes)
    {
        out.counter("tandem_path_frames", "Interconnect frames on the path by direction, since the role started",
            frames, "path", path, "direction", direction);
        out.counter("tandem_path_bytes", "Interconnect bytes on the path by direction, since the role started",
            bytes, "path", path, "direction", direction);
    }

    private static void refused(final MetricsWriter out, final String reason, final long count)
    {
        out.counter("tandem_interconnect_refused_frames", "Frames the endpoint refused, by reason, since the role " +
            "started", count, "reason", reason);
    }
}
