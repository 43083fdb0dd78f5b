package io.tandem.controller.platform;

import io.tandem.controller.nbd.NbdFrontEnd;
import io.tandem.controller.nbd.NbdServer;
import io.tandem.controller.nbd.NbdServerContext;
import io.tandem.controller.pool.Mailbox;
import io.tandem.controller.pool.MailboxFile;
import io.tandem.controller.pool.RunIdentity;
import io.tandem.interconnect.InterconnectContext;
import io.tandem.interconnect.InterconnectEndpoint;
import io.tandem.interconnect.MirrorLink;
import io.tandem.interconnect.RetiredEndpoints;
import io.tandem.staging.DeviceFile;
import io.tandem.staging.block.BlockDevice;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.IdleStrategy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The real world: an agent and a housekeeping executor on threads of their own, a takeover on a thread of its
 * own, Aeron over UDP, NBD over TCP, this JVM's process identity, and the partner's process stopped through the
 * OS.
 * <p>
 * A process id alone proves nothing: it may have been reused, or belong to another pid namespace. So the
 * partner's run counts as gone only when this process shares its pid namespace and finds no process with that
 * id, or one that started at another time; it is killed only when the process found started when the run
 * did. A paused process (SIGSTOP) is killed like any other. When neither can be shown (another pid namespace,
 * the OS hides start times) the stop says it could not see the partner.
 * <p>
 * Stateless; thread-safe.
 */
public final class OsPlatform implements ControllerPlatform
{
    /** The one instance. */
    public static final OsPlatform INSTANCE = new OsPlatform();

    /** Slack for the coarse start times the OS reports. */
    private static final long START_SLACK_MS = 1_000;
    private static final long EXIT_POLL_MS = 1;

    private OsPlatform()
    {
    }

    public ScheduledExecutorService newHousekeeping(final int controllerId)
    {
        return Executors.newSingleThreadScheduledExecutor(r ->
        {
            final Thread thread = new Thread(r, "tandem-housekeeping-" + controllerId);
            thread.setDaemon(true);
            return thread;
        });
    }

    public AutoCloseable startAgent(final Agent agent, final IdleStrategy idle, final ErrorHandler errors)
    {
        final AgentRunner runner = new AgentRunner(idle, errors, null, agent);
        AgentRunner.startOnThread(runner);
        return runner;
    }

    public void startJob(final String name, final Runnable job)
    {
        final Thread thread = new Thread(job, name);
        thread.setDaemon(true);
        thread.start();
    }

    public Executor consistencyPointIo()
    {
        return null;
    }

    public Executor recoveryActions()
    {
        return null;
    }

    public void release(final MirrorLink link)
    {
        final RetiredEndpoints retired = link instanceof InterconnectEndpoint ?
            ((InterconnectEndpoint)link).context().retiredEndpoints() : null;
        if (null != retired)
        {
            retired.retire((InterconnectEndpoint)link);
        }
        else if (null != link)
        {
            link.stop();
            startJob("tandem-interconnect-close", link::close);
        }
    }

    public MirrorLink launchSender(final InterconnectContext ctx)
    {
        return InterconnectEndpoint.launchSender(ctx);
    }

    public MirrorLink launchReceiver(final InterconnectContext ctx)
    {
        return InterconnectEndpoint.launchReceiver(ctx);
    }

    public NbdFrontEnd launchFrontEnd(final NbdServerContext ctx) throws IOException
    {
        return NbdServer.launch(ctx);
    }

    public BlockDevice poolVolume(final BlockDevice volume)
    {
        return volume;
    }

    public DeviceFile openNvram(final Path file) throws IOException
    {
        return DeviceFile.open(file);
    }

    public boolean threadsOfItsOwn()
    {
        return true;
    }

    public boolean servesControlPort()
    {
        return true;
    }

    /**
     * Waits on the caller's thread, looking at the process table every millisecond, for {@link #processGone}:
     * another process's exit has no event to wait on.
     *
     * @param abandon looked at between looks: true gives up at once.
     * @return true once {@code run} is gone; false if it is not within {@code timeoutMs}, or was abandoned.
     */
    static boolean awaitGone(final RunIdentity run, final long timeoutMs, final BooleanSupplier abandon)
        throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!processGone(run))
        {
            if (abandon.getAsBoolean() || System.nanoTime() >= deadlineNs)
            {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(EXIT_POLL_MS);
        }
        return true;
    }

    /**
     * @return true if no process of {@code run} is left, as far as this process can tell: it shares the run's
     * pid namespace and finds no process with its pid, one started at another time, or a zombie (dead, not yet
     * reaped). False whenever it cannot tell.
     */
    static boolean processGone(final RunIdentity run)
    {
        final RunIdentity self = RunIdentity.current();
        if (run.pidNamespace() < 0 || run.pidNamespace() != self.pidNamespace())
        {
            return false;
        }
        final Optional<ProcessHandle> found = ProcessHandle.of(run.pid());
        if (found.isEmpty() || !found.get().isAlive())
        {
            return true;
        }
        final Optional<java.time.Instant> started = found.get().info().startInstant();
        if (started.isPresent() && run.startMs() >= 0 &&
            Math.abs(started.get().toEpochMilli() - run.startMs()) > START_SLACK_MS)
        {
            return true;
        }
        try
        {
            // /proc/PID/stat: "pid (comm) S ...", the state after the last ')'
            final String stat = java.nio.file.Files.readString(Path.of("/proc", Long.toString(run.pid()), "stat"));
            final int close = stat.lastIndexOf(')');
            final char state = close > 0 && close + 2 < stat.length() ? stat.charAt(close + 2) : '?';
            return 'Z' == state || 'X' == state;
        }
        catch (final IOException | RuntimeException ex)
        {
            // reaped since it was found (its /proc entry went), or /proc cannot be read: gone only if the process
            // table no longer has the pid at all
            return ProcessHandle.of(run.pid()).isEmpty();
        }
    }

    public PartnerExitWatch watchPartnerExit(final Path partnerDir, final int partnerId)
    {
        return new LockFileExitWatch(partnerDir, "tandem-partner-exit-" + partnerId);
    }

    public RunIdentity run()
    {
        return RunIdentity.current();
    }

    public RunStop stopRun(final Mailbox mailbox, final long exitTimeoutMs) throws InterruptedException
    {
        final RunIdentity partner = mailbox.run();
        final RunIdentity self = run();
        final String role = MailboxFile.roleName(mailbox.role());
        if (partner.runId() == self.runId())
        {
            return new RunStop(true, "partner (" + role + ") runs in this process, pid " + partner.pid() +
                ": not killed");
        }
        if (partner.pidNamespace() < 0 || partner.pidNamespace() != self.pidNamespace())
        {
            return new RunStop(false, "partner (" + role + ") pid " + partner.pid() + " runs in pid namespace " +
                partner.pidNamespace() + ", this controller in " + self.pidNamespace() +
                ": its process cannot be seen from here");
        }
        final Optional<ProcessHandle> found = ProcessHandle.of(partner.pid());
        if (found.isEmpty() || !found.get().isAlive())
        {
            return new RunStop(true, "partner (" + role + ") pid " + partner.pid() + " is gone (no such process " +
                "in this pid namespace)");
        }
        final ProcessHandle process = found.get();
        final Optional<java.time.Instant> started = process.info().startInstant();
        if (partner.startMs() < 0 || started.isEmpty())
        {
            return new RunStop(false, "partner (" + role + ") pid " + partner.pid() + ": the OS does not say when " +
                "the process started, so it cannot be told from another");
        }
        if (Math.abs(started.get().toEpochMilli() - partner.startMs()) > START_SLACK_MS)
        {
            return new RunStop(true, "partner (" + role + ") pid " + partner.pid() + " is gone: the pid now names a " +
                "process started at " + started.get().toEpochMilli() + " ms, the partner's started at " +
                partner.startMs() + " ms");
        }

        final long startNs = System.nanoTime();
        process.destroyForcibly();
        // the process table says when it is gone (a zombie has let go of everything): looked at every millisecond,
        // where the JDK's wait for a process that is not our child polls every 100 ms or more
        if (!awaitGone(partner, exitTimeoutMs, () -> false)) // a takeover step's thread, off every I/O path
        {
            throw new IllegalStateException("partner (" + role + ") pid " + partner.pid() + " still runs " +
                exitTimeoutMs + " ms after it was killed: the pool is fenced by its epoch, but the takeover does " +
                "not serve while the old owner may still have writes in flight");
        }
        return new RunStop(true, "partner (" + role + ", last heartbeat at " + mailbox.heartbeatMs() + " ms) pid " +
            partner.pid() + " was alive: killed, gone after " +
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs) + " ms");
    }
}
