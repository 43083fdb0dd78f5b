package io.tandem.secondary;

import io.tandem.controller.metrics.MetricsWriter;
import io.tandem.controller.metrics.PathCounters;
import io.tandem.controller.pool.MirrorState;
import io.tandem.controller.status.StatusSnapshot;
import io.tandem.controller.status.StatusWriter;
import io.tandem.secondary.takeover.TakeoverProgress;
import io.tandem.secondary.takeover.TakeoverVerdict;

/**
 * The secondary's state as its agent last captured it, typed: what it reads of the pool and its partner, its
 * mirror session, and its takeover verdict. Rendered as text for people or JSON for machines.
 * <p>
 * Thread-safe as a {@link StatusSnapshot} is.
 */
final class SecondarySnapshot extends StatusSnapshot<SecondarySnapshot>
{
    int controllerId;
    long sessionEpoch;
    String nbd = "";
    String agentIdle = "";
    long poolEpoch;
    int poolOwner;
    long poolCpLsn;
    MirrorState mirrorState = MirrorState.STALE;
    long mirrorGeneration;
    long heldGeneration;
    long partnerHeartbeatAgeMs;
    String partnerRole = "";
    int liveMask;
    final boolean[] pulled;
    boolean hasSession;
    final long[] delivered;
    final long[] durable;
    final long[] acked;
    double nvlogFill;
    /** The NVRAM's contents are in named shared memory, durable once copied in (ResidentMemory). */
    boolean nvramResident;
    long mirrorRecords;
    long mirrorBytes;
    long pendingAcks;
    long releasedUpTo;
    SecondaryMode mode = SecondaryMode.WAITING;
    SecondaryTransition lastTransition;
    boolean takingOver;
    TakeoverProgress takeoverProgress;
    long takeoversStarted;
    long takeoversRefused;
    TakeoverVerdict verdict;
    String takeoverOutcome = "";
    final PathCounters pathCounters;

    SecondarySnapshot(final int paths, final int streams)
    {
        this.pulled = new boolean[paths];
        this.pathCounters = new PathCounters(paths);
        this.delivered = new long[streams];
        this.durable = new long[streams];
        this.acked = new long[streams];
    }

    protected void copyFields(final SecondarySnapshot from)
    {
        controllerId = from.controllerId;
        sessionEpoch = from.sessionEpoch;
        nbd = from.nbd;
        agentIdle = from.agentIdle;
        poolEpoch = from.poolEpoch;
        poolOwner = from.poolOwner;
        poolCpLsn = from.poolCpLsn;
        mirrorState = from.mirrorState;
        mirrorGeneration = from.mirrorGeneration;
        heldGeneration = from.heldGeneration;
        partnerHeartbeatAgeMs = from.partnerHeartbeatAgeMs;
        partnerRole = from.partnerRole;
        liveMask = from.liveMask;
        System.arraycopy(from.pulled, 0, pulled, 0, pulled.length);
        hasSession = from.hasSession;
        System.arraycopy(from.delivered, 0, delivered, 0, delivered.length);
        System.arraycopy(from.durable, 0, durable, 0, durable.length);
        System.arraycopy(from.acked, 0, acked, 0, acked.length);
        nvlogFill = from.nvlogFill;
        nvramResident = from.nvramResident;
        mirrorRecords = from.mirrorRecords;
        mirrorBytes = from.mirrorBytes;
        pendingAcks = from.pendingAcks;
        releasedUpTo = from.releasedUpTo;
        mode = from.mode;
        lastTransition = from.lastTransition;
        takingOver = from.takingOver;
        takeoverProgress = from.takeoverProgress;
        takeoversStarted = from.takeoversStarted;
        takeoversRefused = from.takeoversRefused;
        verdict = from.verdict;
        takeoverOutcome = from.takeoverOutcome;
        pathCounters.copyFrom(from.pathCounters);
    }

    public void render(final StatusWriter out)
    {
        out.field("role", "secondary").field("controller", controllerId).field("epoch", sessionEpoch)
            .field("mode", mode).field("mode.last", null == lastTransition ? "-" :
                lastTransition.name().toLowerCase() + ": " + lastTransition.why())
            .field("nbd", nbd + " (refusing I/O)").field("agent.idle", agentIdle).field("pool.epoch", poolEpoch)
            .field("pool.owner", poolOwner).field("pool.cpLsn", poolCpLsn).field("pool.mirrorState", mirrorState)
            .field("pool.mirrorGeneration", mirrorGeneration).field("mirror.heldGeneration", heldGeneration)
            .field("partner.heartbeatAgeMs", partnerHeartbeatAgeMs).field("partner.role", partnerRole);
        out.paths(liveMask, pulled);
        if (hasSession)
        {
            for (int stream = 0; stream < delivered.length; stream++)
            {
                if (out.isJson())
                {
                    out.field("stream." + stream + ".delivered", delivered[stream])
                        .field("stream." + stream + ".durable", durable[stream])
                        .field("stream." + stream + ".acked", acked[stream]);
                }
                else
                {
                    out.field("stream." + stream, "delivered " + delivered[stream] + " durable " + durable[stream] +
                        " acked " + acked[stream]);
                }
            }
            out.field("nvlog.fill", nvlogFill, 3).field("nvram.resident", nvramResident)
                .field("mirror.records", mirrorRecords)
                .field("mirror.bytes", mirrorBytes).field("mirror.pendingAcks", pendingAcks)
                .field("mirror.releasedUpTo", releasedUpTo);
        }
        final TakeoverVerdict decided = verdict;
        if (out.isJson() && null != decided)
        {
            out.field("takeover.verdict", takingOver ? "RUNNING" : decided.kind())
                .field("takeover.reason", decided.reason());
        }
        out.field("takeover", takingOver ? "running" : null == decided ? "no: starting" : decided.describe());
        out.field("takeover.started", takeoversStarted).field("takeover.refused", takeoversRefused);
        final TakeoverProgress progress = takeoverProgress;
        if (null != progress)
        {
            if (out.isJson())
            {
                out.field("takeover.stepsDone", progress.stepsDone()).field("takeover.steps", progress.steps())
                    .field("takeover.running", progress.running())
                    .field("takeover.replayedBytes", progress.bytesReplayed())
                    .field("takeover.toReplayBytes", progress.bytesToReplay());
            }
            else
            {
                out.field("takeover.progress", "step " + progress.stepsDone() + " of " + progress.steps() +
                    (progress.running().isEmpty() ? "" : " (" + progress.running() + ")") + ", " +
                    progress.bytesReplayed() + " of " + progress.bytesToReplay() + " bytes replayed");
            }
        }
        if (!takeoverOutcome.isEmpty())
        {
            out.field("takeover.last", takeoverOutcome);
        }
    }

    /**
     * Writes the values a scrape shows: mode, epochs and generations, the partner, paths, streams, the mirror and
     * the takeover verdict.
     */
    public void metrics(final MetricsWriter out)
    {
        out.states("tandem_secondary_mode", "The secondary's mode (1 for the one it is in)", "mode",
            SecondaryMode.values(), mode);
        out.gauge("tandem_epoch", "The epoch this controller serves at (the pool's age when it took the pool)",
            sessionEpoch);
        out.gauge("tandem_mirror_generation", "The mirror generation: the primary's newest, the one the secondary " +
            "holds complete (0: none)", heldGeneration);
        out.gauge("tandem_pool_epoch", "The pool's epoch as this controller last read it", poolEpoch);
        out.gauge("tandem_pool_owner", "The controller that owns the pool, as this controller last read it",
            poolOwner);
        out.states("tandem_pool_mirror_state", "The mirror state the pool records", "state", MirrorState.values(),
            mirrorState);
        out.gauge("tandem_pool_mirror_generation", "The mirror generation the pool records", mirrorGeneration);
        out.gauge("tandem_partner_heartbeat_age_seconds", "Age of the partner's last mailbox heartbeat",
            partnerHeartbeatAgeMs / 1000.0);
        pathCounters.write(out, liveMask, pulled);
        if (hasSession)
        {
            for (int stream = 0; stream < delivered.length; stream++)
            {
                out.gauge("tandem_stream_lag_records", "Records of the stream not yet acknowledged: sent by the " +
                    "primary and unacknowledged, or delivered to the secondary and unacknowledged",
                    delivered[stream] - acked[stream], "stream", Integer.toString(stream));
            }
            out.gauge("tandem_nvlog_fill_ratio", "How full the NVLog is, 0 to 1", nvlogFill);
            out.counter("tandem_mirror_records", "Records the mirror stored, since the session started",
                mirrorRecords);
            out.counter("tandem_mirror_bytes", "Bytes the mirror stored, since the session started", mirrorBytes);
            out.gauge("tandem_mirror_pending_acks", "Records stored, their acknowledgement not yet sent", pendingAcks);
        }
        out.flag("tandem_takeover_running", "1 while a takeover runs", takingOver);
        out.counter("tandem_takeovers_started", "Takeovers started in this controller's life as secondary",
            takeoversStarted);
        out.counter("tandem_takeovers_refused", "Takeovers refused as they were to start (no mirror session)",
            takeoversRefused);
        final TakeoverProgress progress = takeoverProgress;
        out.gauge("tandem_takeover_steps", "Steps of the running takeover (0: none runs)",
            null == progress ? 0 : progress.steps());
        out.gauge("tandem_takeover_steps_done", "Steps of the running takeover done or skipped",
            null == progress ? 0 : progress.stepsDone());
        out.gauge("tandem_takeover_replay_bytes", "Bytes the running takeover's scans found to replay",
            null == progress ? 0 : progress.bytesToReplay());
        out.gauge("tandem_takeover_replayed_bytes", "Bytes the running takeover has replayed",
            null == progress ? 0 : progress.bytesReplayed());
        final TakeoverVerdict decided = verdict;
        for (final TakeoverVerdict.Kind kind : TakeoverVerdict.Kind.values())
        {
            out.flag("tandem_takeover_verdict", "What the takeover decision concludes now (1 for its verdict): " +
                "take_over, resume or refuse", null != decided && decided.kind() == kind, "verdict",
                kind.name().toLowerCase());
        }
    }
}
