package io.tandem.controller.platform;

import io.tandem.controller.nbd.NbdFrontEnd;
import io.tandem.controller.nbd.NbdServerContext;
import io.tandem.controller.pool.Mailbox;
import io.tandem.controller.pool.RunIdentity;
import io.tandem.interconnect.InterconnectContext;
import io.tandem.interconnect.MirrorLink;
import io.tandem.staging.DeviceFile;
import io.tandem.staging.block.BlockDevice;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.IdleStrategy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Everything a controller takes from the world around it, and nothing else: its threads (the agent's, the
 * housekeeping thread, a takeover's, the consistency point's I/O), its process identity and the power to stop
 * the partner's process, the interconnect's transport and the clients' front end. Clocks come from the
 * {@link io.tandem.controller.ControllerContext}.
 * <p>
 * {@link OsPlatform} is the real world: threads, Aeron over UDP, NBD over TCP, the OS's processes. The
 * deterministic simulator supplies one where all of it runs on the simulator's one thread, on its clock, and a
 * "process" is a set of objects it can drop; the controllers' code is the same on both. Code that takes a thread,
 * a clock or a process from anywhere else cannot be simulated: that is a defect.
 */
public interface ControllerPlatform
{
    /**
     * @return the housekeeping executor of controller {@code controllerId}: its heartbeat and the pool changes
     * its agent hands off. Shut down by the controller.
     */
    ScheduledExecutorService newHousekeeping(int controllerId);

    /**
     * Runs {@code agent} until the returned handle is closed (closing waits for it to stop).
     */
    AutoCloseable startAgent(Agent agent, IdleStrategy idle, ErrorHandler errors);

    /**
     * Runs a long, blocking job off the agent: a takeover.
     */
    void startJob(String name, Runnable job);

    /**
     * @return where a consistency point runs its blocking pool I/O steps, or null for a thread of its own.
     */
    Executor consistencyPointIo();

    /**
     * @return where a recovery graph runs its actions, or null for the engine's own pool of threads.
     */
    Executor recoveryActions();

    /**
     * Starts the primary's end of a mirror session, stepped through its invoker.
     */
    /**
     * Closes a mirror link its role is done with: it is stopped (quiet) when this returns, and closed then or
     * later. Closing an Aeron endpoint (its client, driver and buffers) costs 60-220 ms of CPU on a 2-core machine,
     * which neither a takeover nor the partner starting in a giveback should compete with: an endpoint whose
     * context has {@link io.tandem.interconnect.RetiredEndpoints} is closed a second later, or as soon as the
     * next endpoint of its kind starts (it binds the same ports); one without is closed on a thread of its own.
     */
    void release(MirrorLink link);

    MirrorLink launchSender(InterconnectContext ctx);

    /**
     * Starts the secondary's end of a mirror session, stepped through its invoker.
     */
    MirrorLink launchReceiver(InterconnectContext ctx);

    /**
     * Opens the clients' front end on the volume {@code ctx} names, stepped through its invoker.
     */
    NbdFrontEnd launchFrontEnd(NbdServerContext ctx) throws IOException;

    /**
     * @return the pool's volume as this controller reaches it: {@code volume} itself, or a device in front of it
     * (the simulator's checks who writes the pool, and fails writes as a failing or full disk would).
     */
    BlockDevice poolVolume(BlockDevice volume);

    /**
     * Opens the file under this controller's NVRAM device: as it is on disk ({@link DeviceFile#open(Path)}), or
     * through one that can lose what was not forced when the simulator cuts the power.
     */
    DeviceFile openNvram(Path file) throws IOException;

    /**
     * @return true if the controller may run work on threads of its own (the NVRAM flusher at durability
     * {@code power}); false when everything must be stepped by its agent (a simulation).
     */
    boolean threadsOfItsOwn();

    /**
     * @return true if the controller opens a control port; a simulated one is commanded by calls.
     */
    boolean servesControlPort();

    /**
     * @return the run of the process the controller lives in, as its mailbox publishes it.
     */
    RunIdentity run();

    /**
     * Makes sure the partner's run, as its mailbox names it, is gone where this process can see it: kills it if
     * it still runs and waits up to {@code exitTimeoutMs} for it to be gone.
     *
     * @throws IllegalStateException if it was killed and is still there after the timeout.
     */
    RunStop stopRun(Mailbox partner, long exitTimeoutMs) throws InterruptedException;

    /**
     * Starts learning of the partner's exit at once, where the platform can ({@link PartnerExitWatch}).
     *
     * @param partnerDir the partner's controller directory.
     */
    PartnerExitWatch watchPartnerExit(java.nio.file.Path partnerDir, int partnerId);
}
