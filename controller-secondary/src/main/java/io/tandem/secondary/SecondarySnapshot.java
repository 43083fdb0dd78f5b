package io.tandem.secondary;

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

    SecondarySnapshot(final int paths, final int streams)
    {
        this.pulled = new boolean[paths];
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
            out.field("nvlog.fill", nvlogFill, 3).field("mirror.records", mirrorRecords)
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
}
