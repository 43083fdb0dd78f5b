package io.tandem.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.controller.control.ControlClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code tandem ctl}: talks to running controllers from another process through their control ports.
 * <p>
 * Not thread-safe: picocli builds one instance per command line.
 */
@Command(
    name = "ctl",
    mixinStandardHelpOptions = true,
    versionProvider = TandemCommand.Version.class,
    description = {
        "Control running controllers through their control ports (by default both controllers of a default " +
            "pair: 127.0.0.1:10909 and 127.0.0.1:10910). status and paths ask every controller; path, cp and " +
            "giveback ask the primary; takeover asks the secondary; events reads both journals."
    },
    sortOptions = false)
public final class CtlCommand implements Callable<Integer>
{
    static final int TIMEOUT_MS = 5_000;

    @Spec
    private CommandSpec spec;

    @Option(names = {"-t", "--controller"}, paramLabel = "HOST:PORT", split = ",",
        defaultValue = "127.0.0.1:10909,127.0.0.1:10910", converter = TargetConverter.class,
        description = "Control port(s) of the controllers (default: ${DEFAULT-VALUE}).")
    private List<InetSocketAddress> controllers;

    public Integer call()
    {
        throw new ParameterException(spec.commandLine(), "Missing command: status, paths, path, cp");
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
        description = "Role, epoch, mirror mode, each path's state, each stream's sent/acked sequence and lag, NVLog " +
            "fill, last consistency point, write latency percentiles, the takeover verdict, errors.")
    int status(@Option(names = "--json",
        description = "One JSON object per controller and line, with an \"at\" field naming its control port.")
        final boolean json)
    {
        if (!json)
        {
            return askAll("status");
        }
        final PrintWriter out = spec.commandLine().getOut();
        int answered = 0;
        for (final InetSocketAddress controller : controllers)
        {
            final String reply = ask(controller, "status json");
            if (null != reply)
            {
                answered++;
                final String object = body(reply).trim();
                out.println("{\"at\":\"" + name(controller) + "\"" + (object.length() > 2 ? "," : "") +
                    object.substring(1));
            }
        }
        out.flush();
        return 0 == answered ? ExitCodes.UNREACHABLE : ExitCodes.OK;
    }

    @Command(name = "paths", mixinStandardHelpOptions = true, description = "Each interconnect path's state.")
    int paths()
    {
        return askAll("paths");
    }

    @Command(name = "path", mixinStandardHelpOptions = true,
        description = "Pull a path (every frame on it is dropped both ways, as a pulled cable) or restore it.")
    int path(
        @Parameters(index = "0", paramLabel = "pull|restore") final String action,
        @Parameters(index = "1", paramLabel = "N", description = "The path, from 0.") final int path)
    {
        if (!"pull".equals(action) && !"restore".equals(action))
        {
            throw new ParameterException(spec.commandLine(), "path takes pull or restore, not '" + action + "'");
        }
        return askPrimary("path " + action + " " + path);
    }

    /** How a command that starts long work waits for it: what cp, takeover and giveback share. */
    static final class Waiting
    {
        @Option(names = "--no-wait", description = "Return once the controller has the request; do not wait.")
        boolean noWait;

        @Option(names = "--timeout", paramLabel = "TIME", defaultValue = "60s", converter = DurationConverter.class,
            description = "Stop waiting after this long (the work goes on); exit 1 (default: ${DEFAULT-VALUE}).")
        Duration timeout;
    }

    @Command(name = "cp", mixinStandardHelpOptions = true,
        description = "Take a consistency point now, and wait until one started after the request is done, " +
            "showing the pages it writes.")
    int cp(@Mixin final Waiting waiting) throws InterruptedException
    {
        final Chosen primary = withRole("primary");
        final int asked = ask(primary, "cp", spec.commandLine().getOut());
        return ExitCodes.OK != asked || waiting.noWait ? asked :
            watch(waiting).consistencyPoint(primary.address(), primary.before());
    }

    @Command(name = "takeover", mixinStandardHelpOptions = true,
        description = "Make the secondary take over now: fence the primary, replay the mirror, serve; waits until " +
            "it serves, showing each step and the bytes replayed. Refused from a stale mirror unless --force.")
    int takeover(@Option(names = "--force",
        description = "Take over even from a stale mirror or a live primary (acknowledged writes may be lost).")
        final boolean force, @Mixin final Waiting waiting) throws InterruptedException
    {
        final Chosen secondary = withRole("secondary");
        final int asked = ask(secondary, force ? "takeover force" : "takeover", spec.commandLine().getOut());
        return ExitCodes.OK != asked || waiting.noWait ? asked :
            watch(waiting).takeover(secondary.address(), secondary.before());
    }

    @Command(name = "giveback", mixinStandardHelpOptions = true,
        description = "Give the volume back to the partner: the serving controller quiesces, takes a consistency " +
            "point and hands the pool over; the partner serves; the pair mirrors the other way. Waits until the " +
            "partner serves, showing the consistency point's progress.")
    int giveback(@Mixin final Waiting waiting) throws InterruptedException
    {
        final Chosen primary = withRole("primary");
        final int asked = ask(primary, "giveback", spec.commandLine().getOut());
        if (ExitCodes.OK != asked || waiting.noWait)
        {
            return asked;
        }
        InetSocketAddress partner = null;
        for (final InetSocketAddress controller : controllers)
        {
            partner = controller.equals(primary.address()) ? partner : controller;
        }
        return watch(waiting).giveback(primary.address(), partner, primary.before());
    }

    @Command(name = "disk", mixinStandardHelpOptions = true,
        description = {"The pool's disks, on the controller that serves the volume (an array pool: --pool).",
            "  list [--watch]       every array and member: state, rebuild progress, errors",
            "  fail N               fail member N as an I/O error would (a spare takes its slot)",
            "  pull N               take member N out, as a pulled disk (its file stays)",
            "  add PATH             a member file into a lost slot (rebuilt), or as a spare",
            "  replace N PATH       replace member N with a new file and rebuild it",
            "  fault N dead|bad FROM TO|slow MICROS|stale|none   inject a fault into member N's file",
            "  scrub                check every stripe's parity or copies, repair those that differ",
            "N is a slot: 2 in a flat array, 0-1 for slot 1 of the array in slot 0."})
    int disk(
        @Parameters(index = "0", paramLabel = "ACTION") final String action,
        @Parameters(index = "1..*", paramLabel = "ARG", arity = "0..*") final List<String> args,
        @Option(names = "--watch", description = "With list: redraw every half second until interrupted.")
        final boolean watch) throws InterruptedException
    {
        final List<String> arguments = null == args ? List.of() : args;
        final int expected = switch (action)
        {
            case "list", "scrub" -> 0;
            case "fail", "pull", "add" -> 1;
            case "replace" -> 2;
            case "fault" -> -1;
            default -> throw new ParameterException(spec.commandLine(), "disk takes list, fail, pull, add, " +
                "replace, fault or scrub, not '" + action + "'");
        };
        if ((expected >= 0 && arguments.size() != expected) || (expected < 0 && arguments.size() < 2))
        {
            throw new ParameterException(spec.commandLine(), "disk " + action + " takes " +
                (expected < 0 ? "N and a fault" : expected + " argument" + (expected == 1 ? "" : "s")) +
                ", given " + arguments.size());
        }
        if (watch && !"list".equals(action))
        {
            throw new ParameterException(spec.commandLine(), "--watch goes with disk list");
        }
        final String command = "disk " + action + (arguments.isEmpty() ? "" : " " + String.join(" ", arguments));
        if (!watch)
        {
            return askRole("primary", command);
        }
        while (true)
        {
            final StringWriter frame = new StringWriter();
            final PrintWriter out = spec.commandLine().getOut();
            final int code = askRole("primary", command, new PrintWriter(frame));
            out.print("\033[H\033[2J" + DiskProgress.withBars(frame.toString()));
            out.flush();
            if (code != ExitCodes.OK)
            {
                return code;
            }
            Thread.sleep(500);
        }
    }

    @Command(name = "events", mixinStandardHelpOptions = true,
        description = "Print both controllers' event journals in time order; --follow keeps printing new events.")
    int events(
        @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "tandem-data",
            description = "The pair's data directory (default: ${DEFAULT-VALUE}).") final java.nio.file.Path dataDir,
        @Option(names = {"-f", "--follow"}, description = "Keep printing events as they happen, until Ctrl-C.")
        final boolean follow,
        @Option(names = "--json", description = "One JSON object per event and line (schema: the cli README).")
        final boolean json) throws InterruptedException
    {
        return EventsPrinter.print(dataDir, follow, json, spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    private int askAll(final String command)
    {
        final PrintWriter out = spec.commandLine().getOut();
        int answered = 0;
        for (final InetSocketAddress controller : controllers)
        {
            final String reply = ask(controller, command);
            if (null != reply)
            {
                answered++;
                out.println("== controller at " + name(controller));
                out.print(body(reply));
            }
        }
        out.flush();
        return 0 == answered ? ExitCodes.UNREACHABLE : ExitCodes.OK;
    }

    private int askPrimary(final String command)
    {
        return askRole("primary", command);
    }

    private int askRole(final String role, final String command)
    {
        return askRole(role, command, spec.commandLine().getOut());
    }

    private int askRole(final String role, final String command, final PrintWriter out)
    {
        return ask(withRole(role), command, out);
    }

    /** A controller chosen by its role, with the status it was chosen by. */
    private record Chosen(InetSocketAddress address, JsonNode status)
    {
        OperationWatch.Before before()
        {
            return OperationWatch.Before.of(status);
        }
    }

    /**
     * @return the controller whose typed status has the role, else the first that answers; null if none answers.
     */
    private Chosen withRole(final String role)
    {
        Chosen chosen = null;
        for (final InetSocketAddress controller : controllers)
        {
            final JsonNode status = probe().status(controller);
            if (null != status && (role.equals(status.path("role").asText()) || null == chosen))
            {
                chosen = new Chosen(controller, status);
                if (role.equals(status.path("role").asText()))
                {
                    break;
                }
            }
        }
        if (null == chosen)
        {
            for (final InetSocketAddress controller : controllers)
            {
                ask(controller, "status"); // says why each is not reachable
            }
        }
        return chosen;
    }

    private int ask(final Chosen chosen, final String command, final PrintWriter out)
    {
        if (null == chosen)
        {
            return ExitCodes.UNREACHABLE;
        }
        final String reply = ask(chosen.address(), command);
        if (null == reply)
        {
            return ExitCodes.UNREACHABLE;
        }
        if (!reply.startsWith("OK"))
        {
            spec.commandLine().getErr().println("controller at " + name(chosen.address()) + ": " + reply.trim());
            return ExitCodes.FAILED;
        }
        out.print(body(reply));
        out.flush();
        return ExitCodes.OK;
    }

    private StatusProbe probe()
    {
        return new StatusProbe(TIMEOUT_MS);
    }

    private OperationWatch watch(final Waiting waiting)
    {
        return new OperationWatch(probe()::status, new ProgressLine(spec.commandLine().getOut(),
            null != System.console()), waiting.timeout.toMillis());
    }

    private String ask(final InetSocketAddress controller, final String command)
    {
        try
        {
            return ControlClient.send(controller.getHostString(), controller.getPort(), command, TIMEOUT_MS);
        }
        catch (final IOException ex)
        {
            spec.commandLine().getErr().println("controller at " + name(controller) + " is not reachable (" +
                ex.getMessage() + "): is it running? its control port is its NBD port + 100");
            return null;
        }
    }

    private static String body(final String reply)
    {
        final int newline = reply.indexOf('\n');
        return newline < 0 ? "" : reply.substring(newline + 1);
    }

    private static String name(final InetSocketAddress address)
    {
        return address.getHostString() + ":" + address.getPort();
    }
}
