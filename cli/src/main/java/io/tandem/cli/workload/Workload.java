package io.tandem.cli.workload;

import io.tandem.cli.nbd.NbdClientConnection;
import io.tandem.cli.nbd.NbdExport;
import io.tandem.cli.timeline.TimelineWriter;
import io.tandem.controller.nbd.NbdProtocol;
import org.HdrHistogram.Histogram;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A verifying NBD load generator: keeps {@link WorkloadContext#queueDepth()} requests in flight on each of
 * {@link WorkloadContext#connections()} connections, writes blocks in the {@link BlockPattern}, checks every read
 * against the {@link BlockLedger}, fails over between targets when a connection breaks, and at the end flushes and
 * reads back every block with an acknowledged write.
 * <pre>{@code
 * WorkloadReport report = Workload.run(new WorkloadContext().targets(List.of(address)).ops(10_000));
 * report.print(out);
 * }</pre>
 * Phases: RUN (issue reads and writes until the duration or op count is reached), DRAIN (wait for every reply),
 * FLUSH (one per connection), VERIFY (read back every acknowledged block), DONE. A verify-only run goes straight
 * to VERIFY with the ledger of a state file.
 * <p>
 * One thread does everything: it reads replies from every connection, issues requests, and waits on one selector
 * when there is nothing to do. After warm-up the loop does not allocate; connecting, failing over, reporting an
 * error and printing progress do. A connection attempt during a failover blocks the loop for up to
 * {@link WorkloadContext#connectTimeoutNs()}, stalling the other connections meanwhile: failover is rare and
 * short, and one thread keeps the ledger free of locks.
 * <p>
 * Not thread-safe: one run per instance, on the calling thread.
 */
public final class Workload
{
    private static final long IDLE_WAIT_MS = 1;
    private static final Consumer<SelectionKey> IGNORE_KEY = key -> { };

    private enum Phase
    {
        RUN, DRAIN, FLUSH, VERIFY, DONE
    }

    private final WorkloadContext ctx;
    private final List<InetSocketAddress> targets;
    private final WorkloadStats stats = new WorkloadStats();
    private final VerificationLog verification;
    private final List<Failover> failovers = new ArrayList<>();
    private final PrintWriter notices;
    private WorkloadTimeline timeline;

    private Selector selector;
    private WorkloadConnection[] connections;
    private BlockLedger ledger;
    private int blockSize;
    private long seed;
    private long span;
    private Phase phase;
    private long rngState;
    private long opsIssued;
    private long runStartNs;
    private long lastServedNs;
    private long runDeadlineNs;
    private int verifyCursor;
    private int[] retryBlocks;
    private int retryCount;
    private String firstIoError;

    private long nextProgressNs;
    private long lastProgressNs;
    private long lastProgressOps;
    private long lastProgressBytes;

    private Workload(final WorkloadContext ctx)
    {
        this.ctx = ctx;
        this.targets = ctx.targets();
        this.verification = new VerificationLog(ctx.errorDetails());
        this.notices = ctx.progressOut();
    }

    /**
     * Concludes {@code ctx} and runs the workload to the end on the calling thread.
     *
     * @return what happened; never throws for anything the volume, the network or the state file did.
     * @throws IllegalArgumentException the context is not valid.
     */
    public static WorkloadReport run(final WorkloadContext ctx)
    {
        return new Workload(ctx.conclude()).execute();
    }

    private WorkloadReport execute()
    {
        WorkloadOutcome outcome = WorkloadOutcome.OK;
        String message = null;
        try
        {
            selector = Selector.open();
            seed = ctx.seed();
            blockSize = ctx.blockSize();
            openTimeline();
            final StateFile.Contents saved = loadState();
            connectAll();
            prepare(saved, connections[0].client.export());
            loop();
        }
        catch (final WorkloadFailure failure)
        {
            outcome = failure.outcome();
            message = failure.getMessage();
        }
        catch (final IOException ex)
        {
            outcome = WorkloadOutcome.RUN_FAILED;
            message = ex.toString();
        }
        finally
        {
            if (null != phase && 0 == stats.elapsedNs() && !ctx.verifyOnly())
            {
                stats.elapsedNs(System.nanoTime() - runStartNs); // stopped before the drain completed
            }
            if (null != timeline)
            {
                endTimeline(System.nanoTime());
            }
            closeAll();
            CloseHelper.quietClose(selector);
        }
        if (null != ledger && null != ctx.stateFile() && !ctx.verifyOnly())
        {
            try
            {
                StateFile.save(ctx.stateFile(), blockSize, seed, ledger);
            }
            catch (final IOException ex)
            {
                outcome = WorkloadOutcome.RUN_FAILED;
                message = "cannot save the state file " + ctx.stateFile() + ": " + ex;
            }
        }
        if (WorkloadOutcome.OK == outcome && stats.ioErrors() > 0)
        {
            outcome = WorkloadOutcome.RUN_FAILED;
            message = stats.ioErrors() + " requests failed with an NBD error, the first: " + firstIoError;
        }
        if (verification.errors() > 0)
        {
            outcome = WorkloadOutcome.VERIFICATION_FAILED;
            message = verification.errors() + " reads returned wrong data" + (null == message ? "" : "; " + message);
        }
        if (null != timeline)
        {
            timeline.summary(System.nanoTime(), outcome, message, failovers.size());
            timeline.close();
            if (null != timeline.error() && WorkloadOutcome.OK == outcome)
            {
                outcome = WorkloadOutcome.RUN_FAILED;
                message = "cannot write the timeline " + ctx.timeline() + ": " + timeline.error();
            }
        }
        return new WorkloadReport(ctx, span, outcome, message, stats, failovers, verification);
    }

    private void openTimeline() throws WorkloadFailure
    {
        if (null == ctx.timeline())
        {
            return;
        }
        try
        {
            timeline = new WorkloadTimeline(ctx, stats, verification, TimelineWriter.create(ctx.timeline()));
        }
        catch (final IOException ex)
        {
            throw new WorkloadFailure(WorkloadOutcome.RUN_FAILED, "cannot write the timeline " + ctx.timeline() +
                ": " + describe(ex));
        }
    }

    private void endTimeline(final long nowNs)
    {
        if (!timeline.started())
        {
            timeline.start(nowNs, System.currentTimeMillis(), span, null == connections ?
                new WorkloadConnection[0] : connections);
        }
        timeline.endRun(nowNs);
        if (null != phase && nowNs - lastServedNs >= ctx.timelineOutageNs())
        {
            timeline.outage(lastServedNs, nowNs, false);
        }
    }

    private StateFile.Contents loadState() throws WorkloadFailure
    {
        if (null == ctx.stateFile() || !Files.exists(ctx.stateFile()))
        {
            if (ctx.verifyOnly())
            {
                throw new WorkloadFailure(WorkloadOutcome.RUN_FAILED, "no state file at " + ctx.stateFile() +
                    ": run a workload with --state-file first");
            }
            return null;
        }
        final StateFile.Contents saved;
        try
        {
            saved = StateFile.load(ctx.stateFile());
        }
        catch (final IOException ex)
        {
            throw new WorkloadFailure(WorkloadOutcome.RUN_FAILED, "cannot use the state file: " + ex.getMessage());
        }
        if (!ctx.verifyOnly())
        {
            if (saved.blockSize() != ctx.blockSize())
            {
                throw new WorkloadFailure(WorkloadOutcome.RUN_FAILED, "the state file " + ctx.stateFile() +
                    " was written with block size " + saved.blockSize() + ": run with --block-size " +
                    saved.blockSize() + ", or another state file");
            }
            if (ctx.hasSeed() && saved.seed() != ctx.seed())
            {
                throw new WorkloadFailure(WorkloadOutcome.RUN_FAILED, "the state file " + ctx.stateFile() +
                    " was written with seed " + saved.seed() + ", not " + ctx.seed());
            }
        }
        blockSize = saved.blockSize();
        seed = saved.seed();
        ctx.blockSize(blockSize).seed(seed);
        return saved;
    }

    private void connectAll() throws WorkloadFailure, IOException
    {
        connections = new WorkloadConnection[ctx.connections()];
        for (int i = 0; i < connections.length; i++)
        {
            final WorkloadConnection conn = new WorkloadConnection(i, ctx.queueDepth(), this);
            connections[i] = conn;
            final StringBuilder errors = new StringBuilder();
            for (int t = 0; t < targets.size() && !conn.live(); t++)
            {
                try
                {
                    attach(conn, t, System.nanoTime() + ctx.connectTimeoutNs());
                }
                catch (final IOException ex)
                {
                    errors.append(errors.length() > 0 ? "; " : "").append(WorkloadReport.format(targets.get(t)))
                        .append(": ").append(describe(ex));
                }
            }
            if (!conn.live())
            {
                throw new WorkloadFailure(WorkloadOutcome.UNREACHABLE, "no target reachable (" + errors +
                    "); is the controller running, and on that port?");
            }
        }
    }

    private void prepare(final StateFile.Contents saved, final NbdExport export) throws WorkloadFailure
    {
        if (blockSize > export.maxPayload())
        {
            throw new WorkloadFailure(WorkloadOutcome.RUN_FAILED, "block size " + blockSize +
                " is above the server's maximum request of " + export.maxPayload() + " bytes");
        }
        if (null != saved)
        {
            ledger = saved.ledger();
            span = (long)ledger.blockCount() * blockSize;
        }
        else
        {
            span = 0 == ctx.span() ? export.size() : ctx.span();
            if (span < blockSize)
            {
                throw new WorkloadFailure(WorkloadOutcome.RUN_FAILED, "the span (" + span +
                    " bytes) holds no block of " + blockSize + " bytes");
            }
            if (span / blockSize > BlockLedger.MAX_BLOCKS)
            {
                throw new WorkloadFailure(WorkloadOutcome.RUN_FAILED, "the span holds " + span / blockSize +
                    " blocks, more than " + BlockLedger.MAX_BLOCKS + ": use a larger block size or a smaller span");
            }
            ledger = new BlockLedger(span / blockSize);
            span = (long)ledger.blockCount() * blockSize;
        }
        for (final WorkloadConnection conn : connections)
        {
            checkExport(conn.client);
        }
        retryBlocks = new int[ctx.connections() * ctx.queueDepth()];
        rngState = BlockPattern.mix(seed) | 1;
        phase = ctx.verifyOnly() ? Phase.VERIFY : Phase.RUN;
        runStartNs = System.nanoTime();
        lastServedNs = runStartNs;
        if (null != ctx.outageMeter())
        {
            ctx.outageMeter().completed(runStartNs);
        }
        if (null != timeline)
        {
            timeline.start(runStartNs, System.currentTimeMillis(), span, connections);
        }
        runDeadlineNs = ctx.durationNs() > 0 ? runStartNs + ctx.durationNs() : Long.MAX_VALUE;
        lastProgressNs = runStartNs;
        nextProgressNs = runStartNs + ctx.progressIntervalNs();
    }

    private void checkExport(final NbdClientConnection client) throws WorkloadFailure
    {
        final NbdExport export = client.export();
        if (span > export.size())
        {
            throw new WorkloadFailure(WorkloadOutcome.RUN_FAILED, "the span (" + span + " bytes) is larger than " +
                client + "'s export (" + export.size() + " bytes)");
        }
        if (export.readOnly() && !ctx.verifyOnly())
        {
            throw new WorkloadFailure(WorkloadOutcome.RUN_FAILED, client + " exports the volume read-only");
        }
    }

    private void loop() throws WorkloadFailure, IOException
    {
        final WorkloadConnection[] connections = this.connections;
        while (Phase.DONE != phase)
        {
            int work = 0;
            for (final WorkloadConnection conn : connections)
            {
                if (conn.live())
                {
                    work += receive(conn);
                }
            }
            final long nowNs = System.nanoTime();
            if (null != timeline)
            {
                timeline.advance(nowNs);
            }
            work += advance(nowNs);
            for (final WorkloadConnection conn : connections)
            {
                if (conn.live())
                {
                    work += send(conn, nowNs);
                }
            }
            for (final WorkloadConnection conn : connections)
            {
                if (!conn.live())
                {
                    work += reconnect(conn, nowNs);
                }
            }
            if (ctx.progressIntervalNs() > 0 && nowNs >= nextProgressNs)
            {
                progress(nowNs);
            }
            if (0 == work)
            {
                idle();
            }
        }
    }

    private int receive(final WorkloadConnection conn) throws WorkloadFailure
    {
        int replies = 0;
        try
        {
            replies = conn.client.receive(conn);
        }
        catch (final IOException ex)
        {
            breakOff(conn, System.nanoTime(), describe(ex));
            return 1;
        }
        if (null != conn.refusal)
        {
            final String refusal = conn.refusal;
            conn.refusal = null;
            breakOff(conn, System.nanoTime(), refusal);
        }
        return replies;
    }

    private int send(final WorkloadConnection conn, final long nowNs) throws WorkloadFailure
    {
        if (!conn.client.hasPendingSend())
        {
            return 0;
        }
        try
        {
            return conn.client.send() > 0 ? 1 : 0;
        }
        catch (final IOException ex)
        {
            breakOff(conn, nowNs, describe(ex));
            return 1;
        }
    }

    private void idle() throws IOException
    {
        for (final WorkloadConnection conn : connections)
        {
            if (conn.live())
            {
                conn.key.interestOps(SelectionKey.OP_READ | (conn.client.hasPendingSend() ? SelectionKey.OP_WRITE : 0));
            }
        }
        // the action form of select fills no selected-key set, so waiting allocates nothing; every live connection
        // is polled on the next turn anyway
        selector.select(IGNORE_KEY, IDLE_WAIT_MS);
    }

    private int advance(final long nowNs)
    {
        switch (phase)
        {
            case RUN:
                if (nowNs >= runDeadlineNs || (ctx.ops() > 0 && opsIssued >= ctx.ops()) ||
                    (null != ctx.stopSignal() && ctx.stopSignal().get()))
                {
                    phase = Phase.DRAIN;
                    return 1;
                }
                return issueRun(nowNs);

            case DRAIN:
                for (final WorkloadConnection conn : connections)
                {
                    if (!conn.live() || conn.client.inFlight() > 0)
                    {
                        return 0;
                    }
                }
                stats.elapsedNs(nowNs - runStartNs);
                if (null != timeline)
                {
                    timeline.endRun(nowNs);
                }
                for (final WorkloadConnection conn : connections)
                {
                    conn.needsFlush = conn.client.export().canFlush();
                }
                phase = Phase.FLUSH;
                return 1;

            case FLUSH:
                return issueFlushes(nowNs);

            case VERIFY:
                return issueVerify(nowNs);

            default:
                return 0;
        }
    }

    private int issueRun(final long nowNs)
    {
        int issued = 0;
        for (final WorkloadConnection conn : connections)
        {
            if (!conn.live())
            {
                continue;
            }
            final NbdClientConnection client = conn.client;
            while (client.inFlight() < conn.inFlightLimit() && (0 == ctx.ops() || opsIssued < ctx.ops()))
            {
                if (ledger.ackedBlockCount() > 0 && randomInt(100) < ctx.readPercent())
                {
                    final int block = ledger.ackedBlock(randomInt(ledger.ackedBlockCount()));
                    issueRead(conn, block, WorkloadConnection.RUN_READ, nowNs);
                }
                else
                {
                    final int block = writableBlock();
                    if (block < 0)
                    {
                        break;
                    }
                    final int slot = client.acquireSlot();
                    final int version = ledger.beginWrite(block);
                    BlockPattern.fill(client.slotData(slot), blockSize, block, version, seed);
                    track(conn, slot, WorkloadConnection.WRITE, block, version, nowNs);
                    client.write(slot, (long)block * blockSize, blockSize);
                }
                opsIssued++;
                issued++;
            }
        }
        return issued;
    }

    private int writableBlock()
    {
        final int count = ledger.blockCount();
        int block = randomInt(count);
        for (int probe = 0; probe < 16; probe++)
        {
            if (!ledger.writing(block))
            {
                return block;
            }
            block = block + 1 == count ? 0 : block + 1;
        }
        return -1;
    }

    private int issueFlushes(final long nowNs)
    {
        boolean pending = false;
        int issued = 0;
        for (final WorkloadConnection conn : connections)
        {
            if (!conn.needsFlush)
            {
                continue;
            }
            pending = true;
            if (conn.live() && 0 == conn.client.inFlight())
            {
                final int slot = conn.client.acquireSlot();
                track(conn, slot, WorkloadConnection.FLUSH, 0, 0, nowNs);
                conn.client.flush(slot);
                issued++;
            }
        }
        if (!pending)
        {
            phase = ctx.verifyAtEnd() ? Phase.VERIFY : Phase.DONE;
            return 1;
        }
        return issued;
    }

    private int issueVerify(final long nowNs)
    {
        int issued = 0;
        boolean inFlight = false;
        for (final WorkloadConnection conn : connections)
        {
            if (!conn.live())
            {
                inFlight = true;
                continue;
            }
            final NbdClientConnection client = conn.client;
            while (client.inFlight() < conn.inFlightLimit())
            {
                final int block = nextBlockToVerify();
                if (block < 0)
                {
                    break;
                }
                issueRead(conn, block, WorkloadConnection.VERIFY_READ, nowNs);
                issued++;
            }
            inFlight |= client.inFlight() > 0;
        }
        if (!inFlight && 0 == retryCount && verifyCursor >= ledger.blockCount())
        {
            phase = Phase.DONE;
            return 1;
        }
        return issued;
    }

    private int nextBlockToVerify()
    {
        if (retryCount > 0)
        {
            return retryBlocks[--retryCount];
        }
        while (verifyCursor < ledger.blockCount())
        {
            final int block = verifyCursor++;
            if (ledger.acked(block) > 0)
            {
                return block;
            }
            if (ledger.issued(block) > 0)
            {
                verification.blockUnacknowledged();
            }
        }
        return -1;
    }

    private void issueRead(final WorkloadConnection conn, final int block, final byte kind, final long nowNs)
    {
        final int slot = conn.client.acquireSlot();
        track(conn, slot, kind, block, ledger.acked(block), nowNs);
        conn.client.read(slot, (long)block * blockSize, blockSize);
    }

    private static void track(
        final WorkloadConnection conn, final int slot, final byte kind, final int block, final int version,
        final long nowNs)
    {
        conn.kind[slot] = kind;
        conn.block[slot] = block;
        conn.version[slot] = version;
        conn.startNs[slot] = nowNs;
    }

    void onReply(final WorkloadConnection conn, final int slot, final int error)
    {
        final long nowNs = System.nanoTime();
        final byte kind = conn.kind[slot];
        final int block = conn.block[slot];
        conn.kind[slot] = WorkloadConnection.IDLE;
        final WorkloadTimeline timeline = this.timeline;
        if (null != timeline)
        {
            timeline.advance(nowNs); // this completion counts in the interval it falls in
        }
        if (NbdProtocol.OK == error)
        {
            served(conn, nowNs);
            final long latencyNs = nowNs - conn.startNs[slot];
            switch (kind)
            {
                case WorkloadConnection.WRITE:
                    ledger.acknowledge(block, conn.version[slot]);
                    stats.write(blockSize, latencyNs);
                    if (null != timeline)
                    {
                        timeline.write(latencyNs);
                    }
                    break;

                case WorkloadConnection.RUN_READ:
                    stats.read(blockSize, latencyNs);
                    if (null != timeline)
                    {
                        timeline.read(latencyNs);
                    }
                    check(conn, slot, block, false);
                    break;

                case WorkloadConnection.VERIFY_READ:
                    check(conn, slot, block, true);
                    break;

                case WorkloadConnection.FLUSH:
                    stats.flush();
                    conn.needsFlush = false;
                    break;

                default:
                    break;
            }
            return;
        }

        if (NbdProtocol.ESHUTDOWN == error)
        {
            // the server is going away or does not own the volume: the request did nothing; leave it
            lost(conn, kind, block);
            if (null == conn.refusal)
            {
                conn.refusal = conn.client + " refuses I/O (ESHUTDOWN)";
            }
            return;
        }

        stats.ioError();
        if (WorkloadConnection.WRITE == kind)
        {
            ledger.abandon(block);
        }
        else if (WorkloadConnection.FLUSH == kind)
        {
            conn.needsFlush = false;
        }
        if (null == firstIoError)
        {
            firstIoError = kindName(kind) + (WorkloadConnection.FLUSH == kind ? "" : " of block " + block) + " on " +
                conn.client + ": " + NbdProtocol.errorName(error);
        }
    }

    private void check(final WorkloadConnection conn, final int slot, final int block, final boolean finalPass)
    {
        final UnsafeBuffer data = conn.client.slotData(slot);
        final long got = BlockPattern.check(data, blockSize, block, seed);
        final int minVersion = conn.version[slot];
        final int maxVersion = ledger.issued(block);
        verification.checked();
        if (finalPass)
        {
            verification.blockVerified();
        }
        if (got >= minVersion && got <= maxVersion)
        {
            return;
        }
        if (verification.error())
        {
            final String detail = String.format(Locale.ROOT,
                "block %d (offset %d) read from %s%s: expected %s, got %s",
                block, (long)block * blockSize, conn.client, finalPass ? " at the end" : "",
                minVersion == maxVersion ? "version " + minVersion : "version " + minVersion + ".." + maxVersion,
                got > maxVersion ? "version " + got + ", never written" :
                    BlockPattern.UNWRITTEN == got ? "zeroes, as if never written" :
                got >= 0 && got < minVersion ? "version " + got + ", older than acknowledged" :
                    BlockPattern.describe(data, blockSize, block, seed));
            verification.detail(detail);
            if (null != timeline)
            {
                timeline.verifyError(System.nanoTime(), detail);
            }
        }
    }

    private void served(final WorkloadConnection conn, final long nowNs)
    {
        if (null != ctx.outageMeter())
        {
            ctx.outageMeter().completed(nowNs);
        }
        if (null != timeline && nowNs - lastServedNs >= ctx.timelineOutageNs())
        {
            timeline.outage(lastServedNs, nowNs, true);
        }
        if (ctx.stallReportNs() > 0 && nowNs - lastServedNs > ctx.stallReportNs())
        {
            notice(String.format(Locale.ROOT, "stall: no request completed for %.1f ms, until %.3f s into the run",
                (nowNs - lastServedNs) / 1e6, (nowNs - runStartNs) / 1e9));
        }
        lastServedNs = nowNs;
        conn.everServed = true;
        if (conn.awaitingSuccess)
        {
            conn.awaitingSuccess = false;
            conn.failingOver = false;
            final Failover failover = new Failover(conn.index, conn.brokenFrom, conn.client.address(),
                nowNs - conn.brokenAtNs, conn.attempts, conn.cause);
            failovers.add(failover);
            notice(failover.toString());
            if (null != timeline)
            {
                timeline.served(nowNs, failover);
            }
        }
    }

    private void lost(final WorkloadConnection conn, final byte kind, final int block)
    {
        switch (kind)
        {
            case WorkloadConnection.WRITE:
                ledger.abandon(block);
                stats.lost();
                break;

            case WorkloadConnection.RUN_READ:
                stats.lost();
                break;

            case WorkloadConnection.VERIFY_READ:
                retryBlocks[retryCount++] = block;
                stats.lost();
                break;

            default:
                break;
        }
    }

    private void breakOff(final WorkloadConnection conn, final long nowNs, final String cause) throws WorkloadFailure
    {
        final NbdClientConnection client = conn.client;
        for (int slot = 0; slot < conn.kind.length; slot++)
        {
            if (WorkloadConnection.IDLE != conn.kind[slot])
            {
                lost(conn, conn.kind[slot], conn.block[slot]);
                conn.kind[slot] = WorkloadConnection.IDLE;
            }
        }
        client.close();
        conn.client = null;
        conn.key = null;
        if (!conn.failingOver)
        {
            if (null != timeline)
            {
                timeline.connectionLost(nowNs, conn.index, client.address(), cause);
            }
            conn.failingOver = true;
            conn.brokenAtNs = nowNs;
            conn.brokenFrom = client.address();
            conn.cause = cause;
            conn.attempts = 0;
            conn.nextAttemptNs = nowNs;
        }
        else
        {
            conn.nextAttemptNs = nowNs + ctx.retryIntervalNs();
        }
        conn.awaitingSuccess = false;
        conn.lastError = cause;
        if (targets.size() == 1 && !conn.everServed)
        {
            throw new WorkloadFailure(WorkloadOutcome.UNREACHABLE, cause + (cause.contains("ESHUTDOWN") ?
                ": it does not serve the volume (a secondary before takeover?)" : ""));
        }
        // one target (a pair's service address, which moves with the volume): connect to it again; several: the
        // next one
        notice("connection " + conn.index + ": " + cause + (targets.size() == 1 ? "; reconnecting" :
            "; failing over"));
    }

    private int reconnect(final WorkloadConnection conn, final long nowNs) throws WorkloadFailure
    {
        if (nowNs < conn.nextAttemptNs)
        {
            return 0;
        }
        final long deadlineNs = conn.brokenAtNs + ctx.failoverTimeoutNs();
        if (conn.attempts >= ctx.failoverAttempts() || nowNs >= deadlineNs)
        {
            throw new WorkloadFailure(WorkloadOutcome.UNREACHABLE, String.format(Locale.ROOT,
                "connection %d: no target served within %d ms and %d attempts after %s broke (%s); last error: %s",
                conn.index, TimeUnit.NANOSECONDS.toMillis(nowNs - conn.brokenAtNs), conn.attempts,
                WorkloadReport.format(conn.brokenFrom), conn.cause, conn.lastError));
        }
        final int target = (conn.targetIndex + 1) % targets.size();
        conn.attempts++;
        try
        {
            attach(conn, target, Math.min(nowNs + ctx.connectTimeoutNs(), deadlineNs));
            checkExport(conn.client);
            conn.awaitingSuccess = true;
        }
        catch (final IOException | WorkloadFailure ex)
        {
            if (conn.live())
            {
                conn.client.close();
                conn.client = null;
                conn.key = null;
            }
            conn.lastError = WorkloadReport.format(targets.get(target)) + ": " +
                (ex instanceof IOException ? describe((IOException)ex) : ex.getMessage());
            conn.nextAttemptNs = System.nanoTime() + ctx.retryIntervalNs();
        }
        return 1;
    }

    private void attach(final WorkloadConnection conn, final int target, final long deadlineNs) throws IOException
    {
        conn.targetIndex = target;
        final NbdClientConnection client =
            NbdClientConnection.connect(targets.get(target), ctx.queueDepth(), ctx.blockSize(), deadlineNs);
        try
        {
            conn.key = client.channel().register(selector, SelectionKey.OP_READ);
        }
        catch (final IOException | RuntimeException ex)
        {
            client.close();
            throw ex;
        }
        conn.client = client;
    }

    private void closeAll()
    {
        if (null == connections)
        {
            return;
        }
        for (final WorkloadConnection conn : connections)
        {
            if (null != conn && conn.live())
            {
                if (0 == conn.client.inFlight())
                {
                    conn.client.disconnect();
                }
                conn.client.close();
                conn.client = null;
            }
        }
    }

    private void progress(final long nowNs)
    {
        nextProgressNs = nowNs + ctx.progressIntervalNs();
        if (null == notices)
        {
            return;
        }
        final long ops = stats.reads() + stats.writes();
        final long bytes = stats.bytesRead() + stats.bytesWritten();
        final double seconds = (nowNs - lastProgressNs) / 1e9;
        final Histogram reads = stats.intervalReadLatency();
        final Histogram writes = stats.intervalWriteLatency();
        notices.printf(Locale.ROOT, "[%6.1fs] %s %d ops  %.1f MB/s  %.0f IOPS  read p50 %s p99 %s" +
            "  write p50 %s p99 %s max %s  failovers %d  errors %d%n",
            (nowNs - runStartNs) / 1e9, phase.name().toLowerCase(Locale.ROOT), ops,
            (bytes - lastProgressBytes) / 1e6 / seconds, (ops - lastProgressOps) / seconds,
            percentile(reads, 50), percentile(reads, 99), percentile(writes, 50), percentile(writes, 99),
            0 == writes.getTotalCount() ? "-" : WorkloadReport.micros(writes.getMaxValue()),
            failovers.size(), verification.errors());
        notices.flush();
        reads.reset();
        writes.reset();
        lastProgressNs = nowNs;
        lastProgressOps = ops;
        lastProgressBytes = bytes;
    }

    private void notice(final String text)
    {
        if (null != notices)
        {
            notices.println("tandem workload: " + text);
            notices.flush();
        }
    }

    private int randomInt(final int bound)
    {
        long x = rngState;
        x ^= x >>> 12;
        x ^= x << 25;
        x ^= x >>> 27;
        rngState = x;
        return (int)(((x * 0x2545F4914F6CDD1DL) >>> 33) % bound);
    }

    private static String percentile(final Histogram histogram, final double percentile)
    {
        return histogram.getTotalCount() == 0 ? "-" : WorkloadReport.micros(histogram.getValueAtPercentile(percentile));
    }

    private static String kindName(final byte kind)
    {
        switch (kind)
        {
            case WorkloadConnection.WRITE: return "WRITE";
            case WorkloadConnection.FLUSH: return "FLUSH";
            default: return "READ";
        }
    }

    private static String describe(final IOException ex)
    {
        final String message = ex.getMessage();
        return null == message ? ex.getClass().getSimpleName() : message;
    }
}
