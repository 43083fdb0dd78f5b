package io.tandem.cli;

import io.tandem.controller.control.ControlClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
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

    @Command(name = "cp", mixinStandardHelpOptions = true, description = "Take a consistency point now.")
    int cp()
    {
        return askPrimary("cp");
    }

    @Command(name = "takeover", mixinStandardHelpOptions = true,
        description = "Make the secondary take over now: fence the primary, replay the mirror, serve. Refused " +
            "from a stale mirror unless --force.")
    int takeover(@Option(names = "--force",
        description = "Take over even from a stale mirror or a live primary (acknowledged writes may be lost).")
        final boolean force)
    {
        return askRole("secondary", force ? "takeover force" : "takeover");
    }

    @Command(name = "giveback", mixinStandardHelpOptions = true,
        description = "Give the volume back to the partner: the serving controller quiesces, takes a consistency " +
            "point and hands the pool over; the partner serves; the pair mirrors the other way.")
    int giveback()
    {
        return askRole("primary", "giveback");
    }

    @Command(name = "events", mixinStandardHelpOptions = true,
        description = "Print both controllers' event journals in time order; --follow keeps printing new events.")
    int events(
        @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "tandem-data",
            description = "The pair's data directory (default: ${DEFAULT-VALUE}).") final java.nio.file.Path dataDir,
        @Option(names = {"-f", "--follow"}, description = "Keep printing events as they happen, until Ctrl-C.")
        final boolean follow) throws InterruptedException
    {
        return EventsPrinter.print(dataDir, follow, spec.commandLine().getOut(), spec.commandLine().getErr());
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
        InetSocketAddress chosen = null;
        for (final InetSocketAddress controller : controllers)
        {
            final String status = ask(controller, "status");
            if (null != status && (status.contains("\nrole=" + role + "\n") || null == chosen))
            {
                chosen = controller;
                if (status.contains("\nrole=" + role + "\n"))
                {
                    break;
                }
            }
        }
        if (null == chosen)
        {
            return ExitCodes.UNREACHABLE;
        }
        final String reply = ask(chosen, command);
        if (null == reply)
        {
            return ExitCodes.UNREACHABLE;
        }
        if (!reply.startsWith("OK"))
        {
            spec.commandLine().getErr().println("controller at " + name(chosen) + ": " + reply.trim());
            return ExitCodes.FAILED;
        }
        spec.commandLine().getOut().print(body(reply));
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
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
