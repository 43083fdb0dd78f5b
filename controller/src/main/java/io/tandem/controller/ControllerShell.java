package io.tandem.controller;

import io.tandem.controller.control.ControlHandler;
import io.tandem.controller.control.ControlServer;
import io.tandem.controller.errors.CountedErrorLog;
import io.tandem.controller.metrics.ErrorMetrics;
import io.tandem.controller.metrics.MetricsWriter;
import io.tandem.controller.metrics.NbdMetrics;
import io.tandem.controller.metrics.PoolMetrics;
import io.tandem.controller.nbd.NbdCounters;
import io.tandem.controller.platform.PartnerExitWatch;
import io.tandem.controller.pool.MailboxFile;
import io.tandem.controller.pool.Pool;
import io.tandem.controller.pool.PoolStatus;
import io.tandem.controller.status.StatusSnapshot;
import io.tandem.controller.status.StatusWriter;
import io.tandem.nvlog.NvLog;
import io.tandem.nvlog.NvLogContext;
import io.tandem.staging.NvramContext;
import io.tandem.staging.NvramDevice;
import org.agrona.CloseHelper;
import org.agrona.concurrent.Agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What either role sets up around its agent, written once: the controller's directory, the pool and both
 * mailboxes, the housekeeping thread with the heartbeat on it, the agent's runner and error log, the control
 * port, and the context of the controller's own NVLog. Threads, decided here and taken from the
 * {@link io.tandem.controller.platform.ControllerPlatform}: the agent's (one, through {@link #start(Agent)}), the
 * housekeeping thread, and the control port's handlers.
 * <p>
 * A heartbeat task that throws is counted in the error log and runs again at the next beat: an error never
 * cancels the heartbeat silently, as a bare {@code scheduleWithFixedDelay} would.
 * <p>
 * Thread-safe: {@link #close()} from any thread; the rest from the role's constructor.
 */
public final class ControllerShell implements AutoCloseable
{
    private final ControllerContext ctx;
    private final AgentIdling agentIdle;
    private final CountedErrorLog errors;
    private final Pool pool;
    private final MailboxFile mailbox;
    private final MailboxFile partnerMailbox;
    private final ScheduledExecutorService housekeeping;
    private AutoCloseable runner;
    private ControlServer control;

    private ControllerShell(final ControllerContext ctx, final Pool pool)
    {
        this.ctx = ctx;
        this.pool = pool;
        this.agentIdle = ctx.newAgentIdling();
        this.errors = ctx.newErrorLog();
        this.mailbox = pool.mailbox(ctx.controllerId()).run(ctx.platform().run());
        this.partnerMailbox = pool.mailbox(ctx.partnerId());
        this.housekeeping = ctx.platform().newHousekeeping(ctx.controllerId());
        if (null != ctx.roleHandoff())
        {
            ctx.roleHandoff().agent(agentIdle);
        }
    }

    /**
     * Creates the controller's directory and opens the pool with the controller's settings (refused if they
     * differ from the pair's, as the pool records them).
     *
     * @param ctx concluded.
     */
    public static ControllerShell open(final ControllerContext ctx) throws IOException
    {
        Files.createDirectories(ctx.controllerDir());
        return new ControllerShell(ctx, Pool.open(ctx.newPool()));
    }

    public Pool pool()
    {
        return pool;
    }

    /**
     * @return this controller's mailbox, written by the heartbeat only.
     */
    public MailboxFile mailbox()
    {
        return mailbox;
    }

    /**
     * @return the partner's mailbox, read on the housekeeping thread only.
     */
    public MailboxFile partnerMailbox()
    {
        return partnerMailbox;
    }

    public AgentIdling agentIdle()
    {
        return agentIdle;
    }

    public CountedErrorLog errors()
    {
        return errors;
    }

    /**
     * @return the housekeeping thread, for the pool changes the agent hands off (it never blocks on the pool).
     */
    public ScheduledExecutorService housekeeping()
    {
        return housekeeping;
    }

    /**
     * @return a watch of the partner's exit if the context asks for one
     * ({@link ControllerContext#partnerExitWatch()}), else {@link PartnerExitWatch#NONE}; the role closes it.
     */
    public PartnerExitWatch newPartnerExitWatch()
    {
        return ctx.partnerExitWatch() ? ctx.platform().watchPartnerExit(ctx.partnerDir(), ctx.partnerId()) :
            PartnerExitWatch.NONE;
    }

    /**
     * Beats once now, on the caller's thread, then every heartbeat interval on the housekeeping thread, and at
     * once (then waking the agent) whenever {@code exitWatch} learns of the partner's exit: the beat is where a
     * role reads its partner, and an exit the host reports should not wait for the next interval.
     */
    public void heartbeat(final Runnable beat, final PartnerExitWatch exitWatch)
    {
        beat.run();
        final Runnable counted = () ->
        {
            try
            {
                beat.run();
            }
            catch (final Throwable ex)
            {
                errors.onError(ex);
            }
        };
        housekeeping.scheduleWithFixedDelay(
            counted, ctx.heartbeatIntervalMs(), ctx.heartbeatIntervalMs(), TimeUnit.MILLISECONDS);
        exitWatch.onExit(() -> housekeeping.execute(() ->
        {
            counted.run();
            agentIdle.wake();
        }));
    }

    /**
     * Starts the agent on a thread of its own, its errors counted in {@link #errors()}.
     */
    public void start(final Agent agent)
    {
        runner = ctx.platform().startAgent(agent, agentIdle.strategy(), errors);
    }

    /**
     * Opens the control port, unless the platform commands the controller by calls (a simulation).
     *
     * @return the port it listens on, or -1.
     */
    public int serveControl(final ControlHandler handler) throws IOException
    {
        if (!ctx.platform().servesControlPort())
        {
            return -1;
        }
        control = ControlServer.start(ctx.bindAddress(), ctx.controlPort(), handler,
            "tandem-control-" + ctx.controllerId());
        return control.port();
    }

    /**
     * @return the context of this controller's NVLog on its NVRAM device ({@code nvram.dev} in its directory),
     * with {@code streams} streams; the NVRAM's completions wake the agent unless the agent steps its flusher.
     */
    public NvLogContext nvlogContext(final int streams)
    {
        return new NvLogContext().clusterId(ctx.clusterId()).stripeSize(ctx.stripeSize()).streamCount(streams)
            .epochClock(ctx.epochClock())
            .maxPayloadLength(Math.max(ctx.stripeSize(), NvLogContext.MAX_PAYLOAD_LENGTH_DEFAULT))
            .nvram(new NvramContext().file(nvramFile()).capacity(ctx.nvramCapacity()).durability(ctx.durability())
                .residentDir(ctx.nvramMemoryDir())
                .nanoClock(ctx.nanoClock()).useAgentInvoker(ctx.stepsNvramFlusher())
                .deviceFiles(ctx.platform()::openNvram)
                .completionHandler(ctx.stepsNvramFlusher() ? null :
                    null != ctx.roleHandoff() ? ctx.roleHandoff().nvramCompletions() : ticket -> agentIdle.wake()));
    }

    /**
     * @return the NVLog with {@code streams} streams the role before kept open ({@link RoleHandoff}), now the
     * caller's; null if there is none, and the caller opens it from the NVRAM device.
     */
    public NvLog keptLog(final int streams)
    {
        return null == ctx.roleHandoff() ? null : ctx.roleHandoff().takeLog(streams);
    }

    /**
     * The role has ended (it handed the volume over, gave it back, or was fenced): whoever runs the roles starts
     * the next one at once rather than at its next look.
     */
    public void roleEnding()
    {
        if (null != ctx.roleHandoff())
        {
            ctx.roleHandoff().roleEnding();
        }
    }

    /**
     * A role is done with its NVLog: kept open for the next role, or closed when there is none.
     */
    public void releaseLog(final NvLog log)
    {
        if (null == ctx.roleHandoff())
        {
            CloseHelper.quietClose(log);
        }
        else
        {
            ctx.roleHandoff().keepLog(log);
        }
    }

    /**
     * Renders a role's status snapshot (a copy of its own) followed by the health's and the error log's lines, as
     * text or JSON: what `tandem ctl status` shows. On the caller's thread, never the agent.
     */
    public String renderStatus(final StatusSnapshot<?> snapshot, final boolean json)
    {
        final StringBuilder extra = new StringBuilder();
        ctx.health().appendStatus(extra);
        errors.appendStatus(extra);
        PoolStatus.append(pool, extra);
        return StatusWriter.render(snapshot, json, extra);
    }

    /**
     * Writes a role's metrics: its status snapshot (a copy of its own, as {@link #renderStatus} renders it), its NBD
     * server's counters, the error log and health, and the pool. On the scraping thread, never the agent.
     */
    public void writeMetrics(final StatusSnapshot<?> snapshot, final NbdCounters nbd, final MetricsWriter out)
    {
        snapshot.metrics(out);
        NbdMetrics.write(nbd, out);
        ErrorMetrics.write(errors, ctx.health(), out);
        PoolMetrics.write(pool, out);
    }

    /**
     * @return where an NVRAM device just opened keeps its contents, for the start's progress line.
     */
    public static String nvramPlace(final NvramDevice device)
    {
        if (null != device.residentSegment())
        {
            return "NVRAM contents in memory at " + device.residentSegment();
        }
        return "NVRAM contents in this process's memory" +
            (null != device.residentRefusal() ? " (" + device.residentRefusal() + ")" : "");
    }

    /**
     * @return this controller's NVRAM device file.
     */
    public Path nvramFile()
    {
        return ctx.controllerDir().resolve("nvram.dev");
    }

    /**
     * Stops the control port, the agent (waiting for its thread) and the housekeeping thread (waiting for it);
     * {@link #close()} does the rest. For a role that has work to finish and parts of its own to close between
     * the two, such as a last consistency point.
     */
    public void stopServing()
    {
        CloseHelper.quietClose(control);
        CloseHelper.quietClose(runner);
        housekeeping.shutdownNow();
        try
        {
            housekeeping.awaitTermination(2, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops everything the shell started: {@link #stopServing()}, then the mailboxes, the pool and the idle
     * strategy. Close what the role built on them (its NBD server, interconnect, logs) before.
     */
    public void close()
    {
        stopServing();
        CloseHelper.quietCloseAll(mailbox, partnerMailbox, pool);
        agentIdle.close();
    }
}
