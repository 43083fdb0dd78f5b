package io.tandem.primary;

import io.tandem.controller.metrics.MetricsWriter;
import io.tandem.controller.metrics.PathCounters;
import io.tandem.controller.nbd.ServiceAddressState;
import io.tandem.controller.status.StatusSnapshot;
import io.tandem.controller.status.StatusWriter;
import io.tandem.primary.cache.ConsistencyPoint;
import io.tandem.primary.cache.CpFailure;

/**
 * The primary's state as its agent last captured it, typed: the agent copies its values in every 100 ms, and
 * whoever asks for the status copies them out and renders them, as text for people or JSON for machines.
 * <p>
 * Thread-safe as a {@link StatusSnapshot} is.
 */
final class PrimarySnapshot extends StatusSnapshot<PrimarySnapshot>
{
    String role = "primary";
    PrimaryMode mode = PrimaryMode.SYNCING;
    PrimaryTransition lastTransition;
    long transitions;
    int controllerId;
    long epoch;
    String nbd = "";
    String service = "";
    ServiceAddressState serviceState = ServiceAddressState.OFF;
    String serviceRefusal = "";
    String durability = "";
    String agentIdle = "";
    int coalesceDepth;
    long coalesceWindowUs;
    long intakeHolds;
    int liveMask;
    final boolean[] pulled;
    final long[] streamSent;
    final long[] streamAcked;
    final int[] streamPath;
    double nvlogFill;
    /** The NVRAM's contents are in named shared memory, durable once copied in (ResidentMemory). */
    boolean nvramResident;
    int activeHalf;
    int sealedHalf;
    long lsn;
    long cpLsn;
    long cpCount;
    ConsistencyPoint.State cpState = ConsistencyPoint.State.IDLE;
    long cpLastDurationMs;
    /** Why the running or last CP was started; null before the first. */
    ConsistencyPoint.Reason cpReason;
    boolean cpRunning;
    int cpPages;
    int cpPagesLeft;
    long cpFailed;
    CpFailure cpLastFailure;
    int cpFailuresInARow;
    Throwable cpLastError;
    long cpRetryInMs;
    long dirtyPages;
    long writesCompleted;
    long writesBytes;
    int writesPending;
    int writesInFlight;
    String stalledOn = "";
    long readsCompleted;
    long latencyP50Us;
    long latencyP99Us;
    long latencyP999Us;
    long startupReplayed;
    long writesFailedNoSpace;
    long generation;
    final PathCounters pathCounters;

    PrimarySnapshot(final int paths, final int streams)
    {
        this.pulled = new boolean[paths];
        this.pathCounters = new PathCounters(paths);
        this.streamSent = new long[streams];
        this.streamAcked = new long[streams];
        this.streamPath = new int[streams];
    }

    protected void copyFields(final PrimarySnapshot from)
    {
        role = from.role;
        mode = from.mode;
        lastTransition = from.lastTransition;
        transitions = from.transitions;
        controllerId = from.controllerId;
        epoch = from.epoch;
        nbd = from.nbd;
        service = from.service;
        serviceState = from.serviceState;
        serviceRefusal = from.serviceRefusal;
        durability = from.durability;
        agentIdle = from.agentIdle;
        coalesceDepth = from.coalesceDepth;
        coalesceWindowUs = from.coalesceWindowUs;
        intakeHolds = from.intakeHolds;
        liveMask = from.liveMask;
        System.arraycopy(from.pulled, 0, pulled, 0, pulled.length);
        System.arraycopy(from.streamSent, 0, streamSent, 0, streamSent.length);
        System.arraycopy(from.streamAcked, 0, streamAcked, 0, streamAcked.length);
        System.arraycopy(from.streamPath, 0, streamPath, 0, streamPath.length);
        nvlogFill = from.nvlogFill;
        nvramResident = from.nvramResident;
        activeHalf = from.activeHalf;
        sealedHalf = from.sealedHalf;
        lsn = from.lsn;
        cpLsn = from.cpLsn;
        cpCount = from.cpCount;
        cpState = from.cpState;
        cpRunning = from.cpRunning;
        cpPages = from.cpPages;
        cpPagesLeft = from.cpPagesLeft;
        cpLastDurationMs = from.cpLastDurationMs;
        cpReason = from.cpReason;
        cpFailed = from.cpFailed;
        cpLastFailure = from.cpLastFailure;
        cpFailuresInARow = from.cpFailuresInARow;
        cpLastError = from.cpLastError;
        cpRetryInMs = from.cpRetryInMs;
        dirtyPages = from.dirtyPages;
        writesCompleted = from.writesCompleted;
        writesBytes = from.writesBytes;
        writesPending = from.writesPending;
        writesInFlight = from.writesInFlight;
        stalledOn = from.stalledOn;
        readsCompleted = from.readsCompleted;
        latencyP50Us = from.latencyP50Us;
        latencyP99Us = from.latencyP99Us;
        latencyP999Us = from.latencyP999Us;
        startupReplayed = from.startupReplayed;
        writesFailedNoSpace = from.writesFailedNoSpace;
        generation = from.generation;
        pathCounters.copyFrom(from.pathCounters);
    }

    /**
     * Writes every field, in the order `tandem ctl status` has always shown them.
     */
    public void render(final StatusWriter out)
    {
        out.field("role", role).field("mirror", mode).field("controller", controllerId).field("epoch", epoch);
        final PrimaryTransition last = lastTransition;
        out.field("mirror.last", null == last ? "-" : last.name().toLowerCase() + ": " + last.why());
        if (out.isJson())
        {
            out.field("mirror.lastTransition", null == last ? "" : last.name()).field("mirror.transitions",
                transitions);
        }
        out.field("nbd", nbd);
        if (!service.isEmpty())
        {
            if (out.isJson())
            {
                out.field("service", service).field("service.state", serviceState);
            }
            else
            {
                out.field("service", service + " " + serviceState.name().toLowerCase());
            }
            if (ServiceAddressState.BUSY == serviceState)
            {
                out.field("service.refused", serviceRefusal + ": the previous owner still holds it; trying again");
            }
        }
        out.field("durability", durability).field("agent.idle", agentIdle);
        if (0 == coalesceDepth)
        {
            out.field("nbd.coalesce", "off");
        }
        else if (out.isJson())
        {
            out.field("nbd.coalesce.depth", coalesceDepth).field("nbd.coalesce.windowUs", coalesceWindowUs)
                .field("nbd.coalesce.holds", intakeHolds);
        }
        else
        {
            out.field("nbd.coalesce", "depth " + coalesceDepth + " window " + coalesceWindowUs + "us holds " +
                intakeHolds);
        }
        out.paths(liveMask, pulled);
        for (int stream = 0; stream < streamSent.length; stream++)
        {
            final long sent = streamSent[stream];
            final long acked = streamAcked[stream];
            if (out.isJson())
            {
                out.field("stream." + stream + ".sent", sent).field("stream." + stream + ".acked", acked)
                    .field("stream." + stream + ".lag", sent - acked).field("stream." + stream + ".path",
                    streamPath[stream]);
            }
            else
            {
                out.field("stream." + stream, "sent " + sent + " acked " + acked + " lag " + (sent - acked) +
                    " path " + streamPath[stream]);
            }
        }
        out.field("nvlog.fill", nvlogFill, 3).field("nvram.resident", nvramResident)
            .field("nvlog.activeHalf", activeHalf)
            .field("nvlog.sealedHalf", sealedHalf).field("lsn", lsn).field("cp.lsn", cpLsn)
            .field("cp.count", cpCount).field("cp.state", cpState).field("cp.lastDurationMs", cpLastDurationMs)
            .field("cp.reason", null == cpReason ? "none" : cpReason.name())
            .field("cp.running", cpRunning).field("cp.pages", cpPages).field("cp.pagesLeft", cpPagesLeft)
            .field("cache.dirtyPages", dirtyPages).field("writes.completed", writesCompleted)
            .field("writes.bytes", writesBytes).field("writes.pending", writesPending)
            .field("writes.inFlight", writesInFlight).field("writes.stalledOn", stalledOn)
            .field("reads.completed", readsCompleted).field("writeLatencyUs.p50", latencyP50Us)
            .field("writeLatencyUs.p99", latencyP99Us).field("writeLatencyUs.p999", latencyP999Us)
            .field("startup.replayed", startupReplayed).field("writes.failedNoSpace", writesFailedNoSpace)
            .field("cp.failed", cpFailed);
        if (ConsistencyPoint.State.FAILED == cpState && null != cpLastFailure)
        {
            out.field("cp.lastFailure", cpLastFailure + " in a row " + cpFailuresInARow + ": " + cpLastError +
                ", retry in " + cpRetryInMs + " ms");
        }
    }

    /**
     * Writes the values a scrape shows: mode, epoch and generation, paths, streams, NVLog, consistency points.
     */
    public void metrics(final MetricsWriter out)
    {
        out.states("tandem_primary_mode", "The primary's mode (1 for the one it is in)", "mode",
            PrimaryMode.values(), mode);
        out.counter("tandem_mode_transitions", "Mode changes since the role started", transitions);
        out.gauge("tandem_epoch", "The epoch this controller serves at (the pool's age when it took the pool)", epoch);
        out.gauge("tandem_mirror_generation", "The mirror generation: the primary's newest, the one the secondary " +
            "holds complete (0: none)", generation);
        out.states("tandem_service_address_state", "Whether this controller listens on the volume's service " +
            "address", "state", ServiceAddressState.values(), serviceState);
        pathCounters.write(out, liveMask, pulled);
        for (int stream = 0; stream < streamSent.length; stream++)
        {
            final String id = Integer.toString(stream);
            out.gauge("tandem_stream_lag_records", "Records of the stream not yet acknowledged: sent by the primary " +
                "and unacknowledged, or delivered to the secondary and unacknowledged", streamSent[stream] -
                streamAcked[stream], "stream", id);
            out.gauge("tandem_stream_path", "The interconnect path carrying the stream (-1: none)",
                streamPath[stream], "stream", id);
        }
        out.gauge("tandem_nvlog_fill_ratio", "How full the NVLog is, 0 to 1", nvlogFill);
        out.gauge("tandem_lsn", "The last log sequence number given to a write", lsn);
        out.gauge("tandem_cp_lsn", "The LSN below which the pool holds every write (the last consistency point)",
            cpLsn);
        out.counter("tandem_cp", "Consistency points completed since the role started", cpCount);
        out.gauge("tandem_cp_last_duration_seconds", "How long the last consistency point took",
            cpLastDurationMs / 1000.0);
        out.states("tandem_cp_state", "The consistency point's step (1 for the one it is in)", "state",
            ConsistencyPoint.State.values(), cpState);
        out.gauge("tandem_cp_pages", "Pages the running consistency point writes to the pool (0: none runs)",
            cpPages);
        out.gauge("tandem_cp_pages_left", "Pages the running consistency point has still to write", cpPagesLeft);
        out.gauge("tandem_cache_dirty_pages", "Pages of the write cache not yet in the pool", dirtyPages);
        out.gauge("tandem_writes_pending", "Writes queued, not yet through cache, log and mirror", writesPending);
        out.gauge("tandem_writes_in_flight", "Writes logged and mirrored, waiting to be durable on both",
            writesInFlight);
        out.counter("tandem_volume_writes", "Writes the volume completed (durable on both controllers), since the " +
            "role started", writesCompleted);
        out.counter("tandem_volume_written_bytes", "Bytes of completed writes, since the role started", writesBytes);
        out.counter("tandem_volume_reads", "Reads the volume completed, since the role started", readsCompleted);
        out.gauge("tandem_startup_replayed_records", "Records the role replayed from its NVLog when it started",
            startupReplayed);
        io.tandem.controller.metrics.ErrorMetrics.error(out, "cp_failure", cpFailed);
        io.tandem.controller.metrics.ErrorMetrics.error(out, "write_no_space", writesFailedNoSpace);
    }
}
