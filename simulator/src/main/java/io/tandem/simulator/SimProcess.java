package io.tandem.simulator;

import io.tandem.controller.ControllerContext;
import io.tandem.controller.RoleHandoff;
import io.tandem.controller.errors.ControllerHealth;
import io.tandem.controller.nbd.NbdFrontEnd;
import io.tandem.controller.nbd.NbdServerContext;
import io.tandem.controller.platform.ControllerPlatform;
import io.tandem.controller.platform.RunStop;
import io.tandem.controller.pool.Mailbox;
import io.tandem.controller.pool.PoolOwnedByPartnerException;
import io.tandem.controller.pool.RunIdentity;
import io.tandem.interconnect.InterconnectContext;
import io.tandem.interconnect.MirrorLink;
import io.tandem.primary.PrimaryController;
import io.tandem.secondary.Handover;
import io.tandem.secondary.SecondaryController;
import io.tandem.staging.DeviceFile;
import io.tandem.staging.block.BlockDevice;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.IdleStrategy;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

/**
 * One run of one controller process, simulated, and the world it sees ({@link ControllerPlatform}): its agents
 * are stepped by the simulation, its housekeeping and its consistency points' I/O are events on the simulation's
 * queue, its mirror sessions run over the simulated network, its clients call its volume directly. It runs the
 * role the pool gives it and changes role as the launcher's supervisor does: a primary that gave the volume back
 * or was fenced becomes the secondary, a secondary handed the volume becomes the primary.
 * <p>
 * Killing it drops every object it made, unclosed: its NVRAM's bytes not yet written to the device file are lost,
 * as at durability {@code process} on kill -9; what it wrote to its files stays. Cutting its power also loses or
 * tears what it wrote and did not force, in its NVRAM and in the pool ({@link #losePower}). Pausing it stops its
 * agents and holds its events until it resumes, with its old view of the world.
 * <p>
 * Not thread-safe: the simulation has one thread.
 */
final class SimProcess implements ControllerPlatform
{
    private static final long ROLE_RETRY_NS = 200_000_000L;

    private final Simulation simulation;
    private final ControllerContext template;
    private final RunIdentity run;
    private final PrintStream progress;
    private final List<Agent> agents = new ArrayList<>();
    private final List<SimDeviceFile> deviceFiles = new ArrayList<>();
    private final List<SimPoolVolume> poolVolumes = new ArrayList<>();
    private final List<ErrorHandler> agentErrorHandlers = new ArrayList<>();
    private final List<EventQueue.Event> held = new ArrayList<>();
    private final java.util.Set<String> journalledErrors = new java.util.HashSet<>();
    private boolean alive = true;
    private boolean paused;
    private boolean inline;
    private PrimaryController primary;
    private SecondaryController secondary;
    private SimFrontEnd frontEnd;
    private boolean startWithoutMirror;
    private long handedEpoch;
    private boolean wantPrimary;
    private long roleRetryAtNs = -1;
    private long agentErrors;
    private long stalledUntilNs = -1;

    SimProcess(final Simulation simulation, final ControllerContext template, final long pid, final boolean primary)
    {
        this.simulation = simulation;
        // one health per process, as the launcher makes one: a fatal fault ends this run only
        this.template = template.copy().health(new ControllerHealth((fault, cause) ->
            simulation.exit(this, "fatal fault " + fault + ": " + cause), simulation.clock()));
        // as the CLI's supervisor does, most runs keep their NVLog open from one role to the next; some reopen it
        // at each role, as a controller run without a supervisor does: both paths are played
        if (0 != simulation.random().nextInt(4))
        {
            this.template.roleHandoff(new RoleHandoff(null));
        }
        this.run = new RunIdentity(pid, simulation.clock().time(), simulation.random().nextLong() | 1, 1);
        this.progress = simulation.journal().printer("c" + template.controllerId());
        this.wantPrimary = primary;
    }

    Simulation simulation()
    {
        return simulation;
    }

    int controllerId()
    {
        return template.controllerId();
    }

    boolean isAlive()
    {
        return alive;
    }

    boolean isPaused()
    {
        return paused;
    }

    PrimaryController primary()
    {
        return primary;
    }

    SecondaryController secondary()
    {
        return secondary;
    }

    /**
     * @return the front end of the role it runs now, or null between roles.
     */
    SimFrontEnd frontEnd()
    {
        return frontEnd;
    }

    int agentCount()
    {
        return agents.size();
    }

    long agentErrors()
    {
        return agentErrors;
    }

    /**
     * An error a duty cycle threw: counted, and journalled the first time its message is seen in this run (an
     * agent that throws on every duty cycle is wedged, and the journal says with what).
     */
    void onAgentError(final Throwable error)
    {
        agentErrors++;
        final String what = String.valueOf(error);
        if (journalledErrors.add(what))
        {
            simulation.journal().add("c" + template.controllerId(), "agent error: " + what);
        }
    }

    /**
     * Starts the role it wants (or the one the pool gives it); a start that fails is tried again later, as the
     * supervisor does.
     */
    void startRole()
    {
        simulation.poolMayHaveChanged();
        inline = true;
        try
        {
            if (wantPrimary)
            {
                try
                {
                    primary = PrimaryController.launch(
                        template.copy().platform(this).startWithoutMirror(startWithoutMirror)
                            .handedEpoch(handedEpoch), progress);
                    roleRetryAtNs = -1;
                    return;
                }
                catch (final PoolOwnedByPartnerException ex)
                {
                    progress.println(ex.getMessage() + " Rejoining as secondary");
                    wantPrimary = false;
                }
            }
            secondary = SecondaryController.launch(template.copy().platform(this), progress);
            roleRetryAtNs = -1;
        }
        catch (final IOException | RuntimeException ex)
        {
            progress.println("cannot start as " + (wantPrimary ? "primary" : "secondary") + " yet: " + ex);
            agents.clear();
            agentErrorHandlers.clear();
            frontEnd = null;
            roleRetryAtNs = simulation.clock().nanoTime() + ROLE_RETRY_NS;
        }
        finally
        {
            inline = false;
        }
    }

    /**
     * Steps every agent once, then changes role if the running one says so.
     *
     * @return work done.
     */
    int step()
    {
        if (!alive || paused || simulation.clock().nanoTime() < stalledUntilNs)
        {
            return 0;
        }
        if (roleRetryAtNs >= 0)
        {
            if (simulation.clock().nanoTime() >= roleRetryAtNs)
            {
                startRole();
            }
            return 0;
        }
        int work = 0;
        for (int i = 0; i < agents.size() && alive && !paused; i++)
        {
            try
            {
                work += agents.get(i).doWork();
            }
            catch (final Exception ex)
            {
                onAgentError(ex);
                agentErrorHandlers.get(i).onError(ex); // as its runner would: the controller counts it
            }
        }
        if (alive)
        {
            supervise();
        }
        return work;
    }

    private void supervise()
    {
        if (null != primary && (primary.gaveBack() || primary.isFenced()))
        {
            progress.println((primary.gaveBack() ? "gave the volume back" : "was fenced") + "; becoming secondary");
            closeRole(primary);
            primary = null;
            wantPrimary = false;
            startWithoutMirror = false;
            handedEpoch = 0;
            startRole();
        }
        else if (null != secondary)
        {
            final Handover handover = secondary.handover();
            if (null != handover)
            {
                progress.println(handover.summary() + "; serving as primary");
                closeRole(secondary);
                secondary = null;
                wantPrimary = true;
                startWithoutMirror = handover.tookOver();
                handedEpoch = handover.handedEpoch();
                startRole();
            }
        }
    }

    private void closeRole(final AutoCloseable role)
    {
        simulation.poolMayHaveChanged();
        inline = true;
        try
        {
            role.close();
        }
        catch (final Exception ex)
        {
            onAgentError(ex);
        }
        finally
        {
            inline = false;
            agents.clear();
            agentErrorHandlers.clear();
            frontEnd = null;
        }
    }

    /**
     * kill -9: everything this run made is dropped where it stands.
     */
    void kill()
    {
        alive = false;
        paused = false;
        agents.clear();
        agentErrorHandlers.clear();
        held.clear();
        primary = null;
        secondary = null;
        frontEnd = null;
    }

    /**
     * Closes the device files and pool volumes this run opened, at the end of the seed.
     */
    void releaseFiles()
    {
        for (final SimDeviceFile file : deviceFiles)
        {
            org.agrona.CloseHelper.quietClose(file);
        }
        for (final SimPoolVolume volume : poolVolumes)
        {
            org.agrona.CloseHelper.quietClose(volume);
        }
        deviceFiles.clear();
        poolVolumes.clear();
    }

    /**
     * A slow write holds the thread that made it: the agents run again {@code ns} from now. The housekeeping
     * runs on (it has threads of its own in a real controller).
     */
    void stall(final long ns)
    {
        if (ns > 0)
        {
            stalledUntilNs = Math.max(stalledUntilNs, simulation.clock().nanoTime() + ns);
        }
    }

    void pause()
    {
        paused = true;
    }

    void resume()
    {
        if (!paused)
        {
            return;
        }
        paused = false;
        for (final EventQueue.Event event : held)
        {
            simulation.events().requeue(simulation.clock().nanoTime(), event);
        }
        held.clear();
    }

    void holdWhilePaused(final EventQueue.Event event)
    {
        held.add(event);
    }

    RunIdentity identity()
    {
        return run;
    }

    // ControllerPlatform

    public ScheduledExecutorService newHousekeeping(final int controllerId)
    {
        return new SimHousekeeping(simulation, this);
    }

    public AutoCloseable startAgent(final Agent agent, final IdleStrategy idle, final ErrorHandler errors)
    {
        try
        {
            agent.onStart();
        }
        catch (final Exception ex)
        {
            onAgentError(ex);
        }
        agents.add(agent);
        agentErrorHandlers.add(errors);
        return () ->
        {
            final int index = agents.indexOf(agent);
            if (index >= 0)
            {
                agents.remove(index);
                agentErrorHandlers.remove(index);
            }
            agent.onClose();
        };
    }

    public void startJob(final String name, final Runnable job)
    {
        final long atNs = simulation.clock().nanoTime() + simulation.injector().poolLatencyNs();
        simulation.events().schedule(atNs, this, () ->
        {
            if (name.contains("takeover"))
            {
                simulation.injector().takeoverStarts(controllerId());
            }
            inline = true;
            try
            {
                job.run();
            }
            catch (final Killed ignore)
            {
                // killed part-way: nothing after the kill runs
            }
            finally
            {
                inline = false;
            }
        });
    }

    public Executor consistencyPointIo()
    {
        return step ->
        {
            if (inline)
            {
                step.run(); // a role starting or closing runs its consistency point to the end on its own thread
            }
            else
            {
                final long atNs = simulation.clock().nanoTime() + simulation.injector().poolLatencyNs();
                simulation.events().schedule(atNs, this, step);
            }
        };
    }

    /**
     * The takeover's steps run inline, each one unless the seed kills the process before it
     * ({@link FaultInjector#beforeTakeoverStep}): then the takeover unwinds and nothing after the kill runs.
     */
    public Executor recoveryActions()
    {
        return action ->
        {
            if (simulation.injector().beforeTakeoverStep(controllerId()))
            {
                throw Killed.INSTANCE;
            }
            action.run();
        };
    }

    public void release(final MirrorLink link)
    {
        if (null != link)
        {
            link.close();
        }
    }

    public MirrorLink launchSender(final InterconnectContext ctx)
    {
        return new SimLink(simulation.network(), this, ctx, true);
    }

    public MirrorLink launchReceiver(final InterconnectContext ctx)
    {
        return new SimLink(simulation.network(), this, ctx, false);
    }

    public NbdFrontEnd launchFrontEnd(final NbdServerContext ctx)
    {
        frontEnd = new SimFrontEnd(this, ctx);
        return frontEnd;
    }

    public BlockDevice poolVolume(final BlockDevice volume)
    {
        final SimPoolVolume simulated = new SimPoolVolume(simulation, this, volume);
        poolVolumes.add(simulated);
        return simulated;
    }

    public DeviceFile openNvram(final Path file) throws IOException
    {
        final SimDeviceFile simulated = new SimDeviceFile(simulation, this, DeviceFile.open(file));
        deviceFiles.add(simulated);
        return simulated;
    }

    public boolean threadsOfItsOwn()
    {
        return false;
    }

    /**
     * The power is cut under this process (it is dead already): whatever it wrote to its NVRAM and to the pool and
     * did not force is lost, kept or torn, as the seed draws.
     *
     * @return sectors and blocks lost.
     */
    int losePower(final java.util.Random random) throws IOException
    {
        int lost = 0;
        for (final SimDeviceFile file : deviceFiles)
        {
            lost += file.losePower(random);
        }
        for (final SimPoolVolume volume : poolVolumes)
        {
            lost += volume.losePower(random);
        }
        return lost;
    }

    public boolean servesControlPort()
    {
        return false;
    }

    public RunIdentity run()
    {
        return run;
    }

    /**
     * The simulation's host tells at once which of the partner's runs exited.
     */
    public io.tandem.controller.platform.PartnerExitWatch watchPartnerExit(
        final Path partnerDir, final int partnerId)
    {
        return new io.tandem.controller.platform.PartnerExitWatch()
        {
            public boolean exited(final io.tandem.controller.pool.RunIdentity run)
            {
                return run.runId() == simulation.exitedRunId(partnerId);
            }

            public void close()
            {
            }
        };
    }

    public RunStop stopRun(final Mailbox partner, final long exitTimeoutMs)
    {
        return simulation.stopRun(partner.run(), controllerId());
    }

    /**
     * Unwinds a job whose process was killed part-way: an Error, so no catch of the product's code handles it as
     * a failure and acts on it.
     */
    private static final class Killed extends Error
    {
        private static final long serialVersionUID = 1L;
        static final Killed INSTANCE = new Killed();

        private Killed()
        {
            super("killed", null, false, false);
        }
    }
}
