package io.tandem.cli.supervisor;

import io.tandem.secondary.Handover;
import io.tandem.secondary.SecondaryController;
import io.tandem.secondary.takeover.ReplayWarmup;
import io.tandem.controller.ControllerContext;
import io.tandem.controller.RoleHandoff;
import io.tandem.interconnect.DriverSpares;
import io.tandem.primary.PrimaryController;
import io.tandem.controller.pool.PoolOwnedByPartnerException;
import io.tandem.recovery.journal.EventJournal;
import io.tandem.recovery.journal.EventJournalContext;
import org.agrona.CloseHelper;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;

/**
 * One controller of the pair over its whole life: it runs the role the pool gives it and changes role when the
 * pool changes hands. A primary whose partner owns the pool rejoins as secondary by itself; a secondary that
 * takes over, or to which the partner gives the volume back, becomes the primary; a primary that gives the
 * volume back, or finds itself fenced, becomes the secondary.
 * <p>
 * The roles run one at a time on a supervisor thread of their own; each role's controller has its own
 * threads. The controller's event journal stays open across roles.
 * <p>
 * Thread-safe: {@link #role()}, {@link #status()} and {@link #close()} from any thread.
 */
public final class RoleSupervisor implements AutoCloseable
{
    /**
     * The role a controller runs.
     */
    public enum Role
    {
        PRIMARY, SECONDARY
    }

    private static final long POLL_MS = 20;
    /** A role change that fails (a port its partner has not let go of yet, say) is tried again for this long. */
    private static final long ROLE_CHANGE_RETRY_MS = 30_000;
    private static final long ROLE_CHANGE_BACKOFF_MS = 200;

    private final ControllerContext template;
    private final PrintStream progress;
    private final EventJournal journal;
    /** The NVLog and spare media drivers kept from one role to the next: a role change reopens neither. */
    private final RoleHandoff handoff;
    private final Thread supervisor;
    private volatile Role role;
    private volatile PrimaryController primary;
    private volatile SecondaryController secondary;
    private volatile boolean closed;
    /** A planned stop is handing the volume over: no role change may follow it. */
    private volatile boolean stopping;
    private volatile Throwable failure;
    private boolean startWithoutMirror;
    /** The replay's warm-up ran, or runs: once a JVM, on the supervisor's thread's word. */
    private boolean replayWarmed;
    private long handedEpoch;

    private RoleSupervisor(final ControllerContext template, final Role initial, final PrintStream progress)
        throws IOException
    {
        this.template = template;
        this.progress = progress;
        this.role = initial;
        template.copy().conclude(); // a bad setting fails here, before anything is written
        Files.createDirectories(template.controllerDir());
        this.handoff = new RoleHandoff(new DriverSpares("tandem-" + ProcessHandle.current().pid() +
            "-controller-" + template.controllerId()));
        template.roleHandoff(handoff);
        this.journal = EventJournal.open(new EventJournalContext()
            .directory(template.controllerDir().resolve("journal")).controllerId(template.controllerId()));
        template.journal(journal);
        journal.note("controller", "starting as " + initial.name().toLowerCase() + " (pid " +
            ProcessHandle.current().pid() + ")");
        this.supervisor = new Thread(this::supervise, "tandem-supervisor-" + template.controllerId());
    }

    /**
     * Starts the controller in {@code initial} role (or the one the pool gives it) and returns once that role
     * serves, or throws why it could not start.
     */
    public static RoleSupervisor launch(
        final ControllerContext template, final Role initial, final PrintStream progress)
        throws IOException
    {
        final RoleSupervisor controller = new RoleSupervisor(template, initial, progress);
        try
        {
            controller.startRole();
        }
        catch (final IOException | RuntimeException ex)
        {
            controller.handoff.close();
            controller.journal.close();
            throw ex;
        }
        controller.supervisor.start();
        // the other role's classes, and this role's next start, are loaded now rather than on a role change's path
        final ClassWarmup warmup = new ClassWarmup(PrimaryController.class, SecondaryController.class,
            ControllerContext.class, io.tandem.nvlog.NvLog.class, io.tandem.interconnect.InterconnectContext.class,
            io.tandem.staging.NvramDevice.class, io.tandem.recovery.consumer.ConsumerGraph.class,
            io.tandem.recovery.graph.Action.class, EventJournal.class, org.HdrHistogram.Histogram.class);
        final Thread warming = new Thread(() ->
        {
            warmup.run();
            progress.println("controller " + template.controllerId() + ": loaded " + warmup.loaded() +
                " classes of both roles ahead of a role change in " + TimeUnit.NANOSECONDS.toMillis(warmup.tookNs()) +
                " ms" + (0 == warmup.failed() ? "" : " (" + warmup.failed() + " would not load)"));
        }, "tandem-class-warmup");
        warming.setDaemon(true);
        warming.setPriority(Thread.MIN_PRIORITY);
        warming.start();
        return controller;
    }

    private void startRole() throws IOException
    {
        if (Role.PRIMARY == role)
        {
            try
            {
                primary = PrimaryController.launch(template.copy().startWithoutMirror(startWithoutMirror)
                    .handedEpoch(handedEpoch), progress);
                journal.roleChange("primary", "secondary");
                journal.epochChange(primary.epoch(), startWithoutMirror ? "takeover" : "took the pool");
                return;
            }
            catch (final PoolOwnedByPartnerException ex)
            {
                progress.println("controller " + template.controllerId() + ": " + ex.getMessage() +
                    " Rejoining as secondary");
                journal.note("controller", "the partner owns the pool: rejoining as secondary");
                role = Role.SECONDARY;
            }
        }
        secondary = SecondaryController.launch(template.copy(), progress);
        journal.roleChange("secondary", "primary");
    }

    /**
     * Starts the new role after a change, trying again while it fails: in the moments after a takeover or a fence
     * both controllers change role at once, and the one starting may find a port the other still holds.
     */
    private void restartRole() throws IOException, InterruptedException
    {
        final long deadlineMs = System.currentTimeMillis() + ROLE_CHANGE_RETRY_MS;
        while (true)
        {
            try
            {
                startRole();
                return;
            }
            catch (final IOException | RuntimeException ex)
            {
                if (closed || System.currentTimeMillis() >= deadlineMs)
                {
                    throw ex;
                }
                progress.println("controller " + template.controllerId() + ": cannot start as " +
                    role.name().toLowerCase() + " yet (" + ex.getMessage() + "); trying again in " +
                    ROLE_CHANGE_BACKOFF_MS + " ms");
                journal.note("controller", "cannot start as " + role.name().toLowerCase() + " yet: " + ex);
                TimeUnit.MILLISECONDS.sleep(ROLE_CHANGE_BACKOFF_MS);
            }
        }
    }

    private void supervise()
    {
        while (!closed)
        {
            try
            {
                if (stopping)
                {
                    TimeUnit.MILLISECONDS.sleep(POLL_MS);
                    continue;
                }
                if (Role.PRIMARY == role)
                {
                    final PrimaryController current = primary;
                    if (current.gaveBack() || current.isFenced())
                    {
                        final String why = current.gaveBack() ? "gave the volume back" : "was fenced";
                        progress.println("controller " + template.controllerId() + ": " + why + "; becoming secondary");
                        journal.note("controller", why + ": becoming secondary");
                        current.close();
                        primary = null;
                        role = Role.SECONDARY;
                        startWithoutMirror = false;
                        handedEpoch = 0;
                        restartRole();
                        continue;
                    }
                }
                else
                {
                    final SecondaryController current = secondary;
                    if (!replayWarmed && current.wasInSync())
                    {
                        warmReplay();
                    }
                    final Handover handover = current.handover();
                    if (null != handover)
                    {
                        progress.println("controller " + template.controllerId() + ": " + handover.summary() +
                            "; serving as primary");
                        journal.note("controller", handover.summary() + ": serving as primary");
                        current.close();
                        secondary = null;
                        role = Role.PRIMARY;
                        startWithoutMirror = handover.tookOver();
                        handedEpoch = handover.handedEpoch();
                        restartRole();
                        continue;
                    }
                }
                handoff.awaitRoleEnd(POLL_MS); // polls the roles' states, and looks at once when one ends
            }
            catch (final InterruptedException ex)
            {
                return;
            }
            catch (final IOException | RuntimeException ex)
            {
                failure = ex;
                progress.println("controller " + template.controllerId() + ": cannot change role: " + ex);
                journal.note("controller", "cannot change role: " + ex);
                if (null != template.health())
                {
                    template.health().fail(io.tandem.controller.errors.FatalFault.SUPERVISOR, ex);
                }
                return;
            }
        }
    }

    /**
     * Runs a takeover's scan and replay ahead of need, once, on a thread of its own, so that a takeover runs them
     * compiled. Not before the secondary first holds the mirror in sync: the JIT throws away code compiled before
     * the mirror session loads its classes (code that assumed one subclass of a buffer class, for one), and it
     * compiles sooner once the start's own compilations are done.
     */
    private void warmReplay()
    {
        replayWarmed = true;
        final ReplayWarmup replay = new ReplayWarmup(template.controllerDir().resolve("replay-warmup"));
        final Thread warming = new Thread(() ->
        {
            replay.run();
            progress.println("controller " + template.controllerId() + ": ran a takeover's scan and replay " +
                replay.rounds() + " times ahead of need in " + TimeUnit.NANOSECONDS.toMillis(replay.tookNs()) + " ms" +
                (null == replay.failure() ? "" : " (stopped: " + replay.failure() + ")"));
        }, "tandem-replay-warmup");
        warming.setDaemon(true);
        warming.setPriority(Thread.MIN_PRIORITY);
        warming.start();
    }

    public Role role()
    {
        return role;
    }

    /**
     * @return the running role's status, as `tandem ctl status` shows it.
     */
    public String status()
    {
        final PrimaryController p = primary;
        if (null != p)
        {
            return p.status();
        }
        final SecondaryController s = secondary;
        return null == s ? "changing role" : s.status();
    }

    /**
     * @return the running role's metrics, or null while the controller changes role.
     */
    public io.tandem.controller.metrics.RoleMetrics roleMetrics()
    {
        final PrimaryController p = primary;
        return null != p ? p : secondary;
    }

    public PrimaryController primary()
    {
        return primary;
    }

    public SecondaryController secondary()
    {
        return secondary;
    }

    /**
     * @return what stopped the supervisor, or null while it runs.
     */
    public Throwable failure()
    {
        return failure;
    }

    /**
     * A planned stop (SIGTERM, Ctrl-C) of a serving controller: first hands the volume to the in-sync partner, as
     * `tandem ctl giveback` does, so that clients move over at once instead of waiting for the partner to find
     * this controller gone. Waits for the handover at most {@code timeoutMs}; a controller that does not serve,
     * or whose partner does not hold the mirror, has nothing to hand over.
     *
     * @return what happened, in a sentence.
     */
    public String handOverForStop(final long timeoutMs) throws InterruptedException
    {
        stopping = true;
        final PrimaryController current = primary;
        if (null == current)
        {
            return "not serving the volume: nothing to hand over";
        }
        final String refused = current.requestGiveback();
        if (null != refused)
        {
            return "not handed over (" + refused + "): the partner takes over once it finds this controller gone";
        }
        journal.note("controller", "stopping: handing the volume to the partner first");
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        boolean begun = false;
        while (!current.gaveBack() && System.nanoTime() < deadlineNs)
        {
            final io.tandem.primary.PrimaryMode mode = current.mode();
            if (io.tandem.primary.PrimaryMode.GIVEBACK == mode)
            {
                begun = true;
            }
            else if (begun || mode.isFinal())
            {
                break; // it ended without handing over: aborted, or fenced
            }
            TimeUnit.MILLISECONDS.sleep(POLL_MS); // another thread's state machine, on a planned stop
        }
        return current.gaveBack() ? "handed the volume to the partner" : "the handover did not finish (" +
            current.lastTransition() + "): the partner takes over once it finds this controller gone";
    }

    public void close() throws InterruptedException
    {
        closed = true;
        supervisor.interrupt();
        supervisor.join(10_000);
        CloseHelper.quietCloseAll(primary, secondary, handoff);
        journal.note("controller", "stopped");
        journal.close();
    }
}
