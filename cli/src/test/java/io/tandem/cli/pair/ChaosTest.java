package io.tandem.cli.pair;

import io.tandem.cli.workload.OutageMeter;
import io.tandem.cli.workload.Workload;
import io.tandem.cli.workload.WorkloadContext;
import io.tandem.cli.workload.WorkloadOutcome;
import io.tandem.cli.workload.WorkloadReport;
import io.tandem.staging.testing.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.tandem.cli.pair.PairControl.await;
import static io.tandem.cli.pair.PairControl.mirrored;
import static io.tandem.cli.pair.PairControl.command;
import static io.tandem.cli.pair.PairControl.field;
import static io.tandem.cli.pair.PairControl.run;
import static io.tandem.cli.pair.PairControl.statusJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Chaos under a verifying workload: each cycle plays a schedule drawn from the seed, and not only against a
 * settled pair: kill -9 of whichever controller serves (settled, or at a random moment right after a path
 * flap), the secondary killed and restarted and the primary killed as soon as the restarted one hears it,
 * the primary paused (SIGSTOP) past the heartbeat staleness and resumed (SIGCONT) at a moment drawn from the
 * seed, so the takeover is anywhere from not begun to done, `ctl takeover` without --force against a
 * live primary (refused), `ctl takeover --force` against it (it is killed; its mirror was in sync, so nothing is
 * lost), a giveback with every path pulled, and a plain giveback. Killed controllers restart (the
 * killed one rejoins as secondary and is resynced). No acknowledged write may be lost or read back wrong, and
 * no two controllers may ever have served the pool in the same epoch (each serving role takes the pool at an
 * epoch of its own: checked in both journals).
 */
class ChaosTest
{
    /** Cycles to play: every schedule once by default; more (bench/chaos --cycles N) draws them from the seed. */
    private static final int CYCLES = Integer.getInteger("tandem.chaos.cycles", Schedule.values().length);
    /** The longest a client may see no request complete in one cycle (bench/chaos --max-outage). */
    private static final long MAX_OUTAGE_MS = Long.getLong("tandem.chaos.maxOutageMs", 5_000);
    /** The schedules to play, comma-separated (bench/chaos --schedules); all by default. */
    private static final String SCHEDULES = System.getProperty("tandem.chaos.schedules", "");

    /**
     * What a cycle does to the pair.
     */
    private enum Schedule
    {
        KILL_SETTLED, KILL_AFTER_FLAP, RESTART_SECONDARY_THEN_KILL_PRIMARY, PAUSE_PRIMARY, UNFORCED_TAKEOVER,
        FORCED_TAKEOVER, GIVEBACK_PATHS_PULLED, GIVEBACK
    }

    @TempDir
    Path dir;

    @Test
    void killsPausesPullsRestartsAndGivebacksLoseNoAcknowledgedWrite() throws Exception
    {
        final long seed = Long.getLong("tandem.test.seed", System.nanoTime());
        System.out.println("ChaosTest seed=" + seed + " (replay with -Dtandem.test.seed=" + seed + ")");
        final Random random = new Random(seed);
        try (LaunchedPair pair = new LaunchedPair(dir, 11889, 26890))
        {
            final ChildJvm[] controllers = new ChildJvm[2];
            pair.extra.addAll(List.of("--giveback-timeout", "3s"));
            controllers[1] = pair.start(1, "secondary");
            controllers[0] = pair.start(0, "primary");
            await(pair, "the pair to mirror", 30, () -> mirrored(pair, 0));

            final AtomicBoolean stop = new AtomicBoolean();
            final StringWriter notices = new StringWriter();
            final OutageMeter outages = new OutageMeter();
            final CompletableFuture<WorkloadReport> workload = CompletableFuture.supplyAsync(() -> Workload.run(
                new WorkloadContext()
                    .targets(List.of(new InetSocketAddress("127.0.0.1", pair.nbdBase),
                        new InetSocketAddress("127.0.0.1", pair.nbdBase + 1)))
                    .queueDepth(16).readPercent(30).span(48L << 20)
                    .durationNs(TimeUnit.SECONDS.toNanos(Math.max(600, 60L * CYCLES)))
                    .failoverTimeoutNs(TimeUnit.SECONDS.toNanos(60)).failoverAttempts(100_000)
                    .seed(seed).stopSignal(stop).outageMeter(outages).progressOut(new PrintWriter(notices, true))));

            final Schedule[] schedules = schedules();
            final java.util.Map<Schedule, Integer> counts = new java.util.EnumMap<>(Schedule.class);
            final java.util.Map<Schedule, Long> longestOutages = new java.util.EnumMap<>(Schedule.class);
            final List<String> overlong = new ArrayList<>();
            int serving = 0;
            int takeovers = 0;
            for (int cycle = 0; cycle < CYCLES; cycle++)
            {
                // every schedule once, in an order drawn from the seed; then drawn from the seed
                final Schedule schedule = cycle < schedules.length ?
                    schedules[(int)Math.floorMod(seed + cycle, (long)schedules.length)] :
                    schedules[random.nextInt(schedules.length)];
                final long cycleStartNs = System.nanoTime();
                outages.takeLongestNs(cycleStartNs); // this cycle's window starts
                final int current = serving;
                final int partner = 1 - serving;
                System.out.println("chaos cycle " + cycle + ": " + schedule + ", controller " + serving + " serving");
                flapPaths(pair, serving, random);
                if (Schedule.KILL_AFTER_FLAP != schedule)
                {
                    await(pair, "the mirror before the " + schedule, 30, () -> mirrored(pair, current));
                    Thread.sleep(300 + random.nextInt(700)); // writes flow
                }
                switch (schedule)
                {
                    case KILL_SETTLED:
                    case KILL_AFTER_FLAP:
                        killAndRestart(pair, controllers, serving, random, false);
                        serving = partner;
                        takeovers++;
                        break;
                    case RESTART_SECONDARY_THEN_KILL_PRIMARY:
                        controllers[partner].kill();
                        controllers[partner].close();
                        controllers[partner] = pair.start(partner, "secondary");
                        await(pair, "the restarted secondary to hear the primary", 30,
                            () -> "up".equals(field(pair.controlBase + partner, "path.0")) ||
                                "up".equals(field(pair.controlBase + partner, "path.1")));
                        // the primary may have recorded the mirror stale when the old secondary exited, and not yet
                        // recorded the restarted one's resync: then no takeover may happen (it would lose what the
                        // primary acknowledged alone), and the killed primary serves again from its NVLog
                        serving = killAndRestart(pair, controllers, serving, random, true);
                        takeovers += serving == partner ? 1 : 0;
                        break;
                    case PAUSE_PRIMARY:
                    {
                        // paused past the partner's staleness, then resumed at a moment drawn from the seed: the
                        // partner may have fenced and killed it, be part-way through, or not have begun
                        signal("STOP", controllers[serving]);
                        Thread.sleep(1_000 + random.nextInt(1_000));
                        resume(controllers[serving]);
                        if (partner == settleAfterPause(pair, current))
                        {
                            controllers[serving].waitFor(30, TimeUnit.SECONDS);
                            assertFalse(controllers[serving].isAlive(), "the takeover killed the paused primary");
                            controllers[serving].close();
                            controllers[serving] = pair.start(serving, "secondary");
                            serving = partner;
                            takeovers++;
                        }
                        final int now = serving;
                        await(pair, "the pair to mirror after the pause", 60, () -> mirrored(pair, now));
                        break;
                    }
                    case UNFORCED_TAKEOVER:
                        assertTrue(command(pair.controlBase + partner, "takeover").startsWith("ERROR takeover " +
                            "refused: no: the primary is alive"), "an unforced takeover of a live primary");
                        assertTrue(controllers[serving].isAlive());
                        break;
                    case FORCED_TAKEOVER:
                        // forced over a live primary whose mirror is in sync: it is killed, and nothing is lost
                        assertTrue(command(pair.controlBase + partner, "takeover force").startsWith("OK"));
                        await(pair, "the forced takeover", 60, () -> "primary".equals(field(pair.controlBase + partner,
                            "role")));
                        controllers[serving].waitFor(30, TimeUnit.SECONDS);
                        assertFalse(controllers[serving].isAlive(), "the forced takeover killed the live primary");
                        controllers[serving].close();
                        controllers[serving] = pair.start(serving, "secondary");
                        serving = partner;
                        takeovers++;
                        break;
                    case GIVEBACK_PATHS_PULLED:
                    {
                        // pulled cables the primary has not noticed yet: the giveback starts, and cannot quiesce
                        final long before = statusJson(pair.controlBase + serving).path("mirror.transitions").asLong();
                        command(pair.controlBase + serving, "path pull 0");
                        command(pair.controlBase + serving, "path pull 1");
                        if (command(pair.controlBase + serving, "giveback").startsWith("OK"))
                        {
                            // it aborts at its deadline, or it quiesced before the pulls took effect and handed over;
                            // an abort of an earlier cycle's giveback must not count, hence the transition count
                            await(pair, "the giveback to end", 30, () -> gaveUpGiveback(pair, current, before) ||
                                "primary".equals(field(pair.controlBase + partner, "role")));
                        }
                        command(pair.controlBase + serving, "path restore 0");
                        command(pair.controlBase + serving, "path restore 1");
                        if ("primary".equals(field(pair.controlBase + partner, "role")))
                        {
                            serving = partner;
                        }
                        final int now = serving;
                        await(pair, "the pair to mirror again", 60, () -> mirrored(pair, now));
                        break;
                    }
                    default:
                        giveback(pair, current);
                        serving = partner;
                        break;
                }
                final int settled = serving;
                await(pair, "the pair back in sync after the cycle", 60, () -> mirrored(pair, settled));
                counts.merge(schedule, 1, Integer::sum);
                final long endNs = System.nanoTime();
                final long outageMs = TimeUnit.NANOSECONDS.toMillis(outages.takeLongestNs(endNs));
                longestOutages.merge(schedule, outageMs, Math::max);
                if (outageMs > MAX_OUTAGE_MS)
                {
                    overlong.add("cycle " + cycle + " (" + schedule + "): " + outageMs + " ms");
                }
                System.out.println("chaos cycle " + cycle + ": " + schedule + " done, clients' longest outage " +
                    outageMs + " ms, the pair mirrored again after " +
                    TimeUnit.NANOSECONDS.toMillis(endNs - cycleStartNs) + " ms; controller " + serving + " serving");
            }

            stop.set(true);
            final WorkloadReport report = workload.get(3, TimeUnit.MINUTES);
            final StringWriter printed = new StringWriter();
            report.print(new PrintWriter(printed, true));
            System.out.println(printed);
            long longestOutageMs = 0;
            for (final io.tandem.cli.workload.Failover failover : report.failovers())
            {
                longestOutageMs = Math.max(longestOutageMs, TimeUnit.NANOSECONDS.toMillis(failover.durationNs()));
            }
            System.out.println("chaos summary: " + CYCLES + " cycles " + counts + ", " + takeovers + " takeovers, " +
                report.failovers().size() + " client failovers, the longest " + longestOutageMs + " ms, outcome " +
                report.outcome());
            System.out.println("chaos outages: the longest per schedule " + longestOutages + " ms; over " +
                MAX_OUTAGE_MS + " ms: " + (overlong.isEmpty() ? "none" : overlong));
            assertEquals(WorkloadOutcome.OK, report.outcome(), printed + "\n" + notices);
            assertTrue(overlong.isEmpty(), "outages over " + MAX_OUTAGE_MS + " ms: " + overlong + "\n" + notices);
            assertTrue(report.failovers().size() >= takeovers, "the workload followed the volume: " + printed);

            final String[] events = run("ctl", "events", "--data-dir", dir.resolve("data").toString());
            final Matcher took = Pattern.compile(
                "c(\\d) e\\d+ NOTE subject=primary detail=took the pool at epoch (\\d+)").matcher(events[1]);
            final Set<Long> epochs = new HashSet<>();
            final List<Long> order = new ArrayList<>();
            while (took.find())
            {
                final long epoch = Long.parseLong(took.group(2));
                assertTrue(epochs.add(epoch), "two controllers served the pool at epoch " + epoch + ":\n" + events[1]);
                order.add(epoch);
            }
            for (int i = 1; i < order.size(); i++)
            {
                assertTrue(order.get(i) > order.get(i - 1), "serving epochs went backwards: " + order);
            }
            assertTrue(order.size() >= 1 + takeovers, "every takeover took the pool: " + order);
        }
    }

    private static Schedule[] schedules()
    {
        if (SCHEDULES.isBlank())
        {
            return Schedule.values();
        }
        final List<Schedule> chosen = new ArrayList<>();
        for (final String name : SCHEDULES.split(","))
        {
            chosen.add(Schedule.valueOf(name.trim().toUpperCase(java.util.Locale.ROOT)));
        }
        return chosen.toArray(new Schedule[0]);
    }

    /**
     * Waits for a pair whose primary was paused and resumed to settle: the partner took over (it killed the paused
     * one), or the resumed primary serves mirrored and the partner stays secondary, with no takeover running,
     * for two seconds on end (a takeover decided just before the resume kills it within that time).
     *
     * @return the controller that serves.
     */
    private static int settleAfterPause(final LaunchedPair pair, final int primary) throws InterruptedException
    {
        final int partner = 1 - primary;
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        long steadySinceNs = -1;
        while (System.nanoTime() < deadlineNs)
        {
            if ("primary".equals(field(pair.controlBase + partner, "role")))
            {
                return partner;
            }
            final boolean steady = mirrored(pair, primary) &&
                !"RUNNING".equals(field(pair.controlBase + partner, "takeover.verdict"));
            if (!steady)
            {
                steadySinceNs = -1;
            }
            else if (-1 == steadySinceNs)
            {
                steadySinceNs = System.nanoTime();
            }
            else if (System.nanoTime() - steadySinceNs >= TimeUnit.SECONDS.toNanos(2))
            {
                return primary;
            }
            Thread.sleep(50); // watching two other processes: there is no clock to step
        }
        throw new AssertionError("the pair did not settle within 60 s of the pause");
    }

    /**
     * A giveback under load on a loaded machine may not quiesce within the pair's short giveback timeout (3 s
     * here): it aborts, typed, and the primary serves on. An operator asks again; so does this, a few times,
     * and then the partner must serve mirrored.
     */
    private static void giveback(final LaunchedPair pair, final int primary) throws Exception
    {
        final int partner = 1 - primary;
        for (int attempt = 1; ; attempt++)
        {
            final long before = statusJson(pair.controlBase + primary).path("mirror.transitions").asLong();
            assertTrue(command(pair.controlBase + primary, "giveback").startsWith("OK"));
            await(pair, "the giveback to hand over or abort", 60, () -> gaveUpGiveback(pair, primary, before) ||
                "primary".equals(field(pair.controlBase + partner, "role")));
            if ("primary".equals(field(pair.controlBase + partner, "role")))
            {
                break;
            }
            System.out.println("chaos: giveback attempt " + attempt + " aborted at its deadline");
            assertTrue(attempt < 4, "four givebacks in a row could not quiesce");
            await(pair, "the pair to mirror after an aborted giveback", 60, () -> mirrored(pair, primary));
        }
        await(pair, "the giveback", 60, () -> mirrored(pair, partner));
    }

    /**
     * @return the giveback asked of controller {@code primary} after it had made {@code before} transitions was
     * aborted.
     */
    private static boolean gaveUpGiveback(final LaunchedPair pair, final int primary, final long before)
    {
        final com.fasterxml.jackson.databind.JsonNode status = statusJson(pair.controlBase + primary);
        // the request is one transition, leaving GIVEBACK another; a giveback that handed over leaves no primary
        final String mode = status.path("mirror").asText();
        return status.path("mirror.transitions").asLong() >= before + 2 && "primary".equals(status.path("role")
            .asText()) && !"GIVEBACK".equals(mode) && !"GIVEN_BACK".equals(mode);
    }

    private static void flapPaths(final LaunchedPair pair, final int serving, final Random random)
        throws Exception
    {
        for (int pulls = random.nextInt(3); pulls > 0; pulls--)
        {
            final int path = random.nextInt(2);
            command(pair.controlBase + serving, "path pull " + path);
            Thread.sleep(300 + random.nextInt(700)); // a cable out for a while, at a random moment
            command(pair.controlBase + serving, "path restore " + path);
        }
    }

    /**
     * Kills the serving controller; the survivor takes over, or, where {@code mayRefuse} and the pool records the
     * mirror stale, refuses to (nothing else may happen: only the dead owner writes the pool). The killed one is
     * started again; it rejoins and is resynced, or serves again from its NVLog after a refusal.
     *
     * @return the controller that serves afterwards.
     */
    private static int killAndRestart(
        final LaunchedPair pair, final ChildJvm[] controllers, final int serving, final Random random,
        final boolean mayRefuse)
        throws Exception
    {
        controllers[serving].kill();
        controllers[serving].close();
        final int survivor = 1 - serving;
        await(pair, "controller " + survivor + " to take over" + (mayRefuse ? ", or to refuse over a stale mirror" :
            ""), 60, () -> "primary".equals(field(pair.controlBase + survivor, "role")) ||
            mayRefuse && "STALE".equals(field(pair.controlBase + survivor, "pool.mirrorState")) &&
                "secondary".equals(field(pair.controlBase + survivor, "role")) &&
                // long after the owner died: the survivor's view of the pool is not one from before the kill
                heartbeatAgeMs(pair, survivor) > 1_000);
        final int next = "primary".equals(field(pair.controlBase + survivor, "role")) ? survivor : serving;
        controllers[serving] = pair.start(serving, random.nextBoolean() ? "primary" : "secondary");
        await(pair, next == survivor ? "the killed controller to rejoin and be resynced" :
            "the killed owner to serve from its NVLog and resync its partner", 60, () -> mirrored(pair, next));
        return next;
    }

    private static long heartbeatAgeMs(final LaunchedPair pair, final int id)
    {
        final String age = field(pair.controlBase + id, "partner.heartbeatAgeMs");
        return null == age || age.isEmpty() ? -1 : Long.parseLong(age);
    }

    private static void signal(final String signal, final ChildJvm child) throws Exception
    {
        assertEquals(0, new ProcessBuilder("kill", "-" + signal, Long.toString(child.pid())).start().waitFor());
    }

    /**
     * Resumes a paused controller, unless the partner's takeover killed it first.
     */
    private static void resume(final ChildJvm child) throws Exception
    {
        final int exit = new ProcessBuilder("kill", "-CONT", Long.toString(child.pid())).start().waitFor();
        assertTrue(0 == exit || !child.isAlive(), "kill -CONT of a live process failed");
    }

}
