package io.tandem.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

/**
 * {@code tandem}, the one launcher: the root command, which only dispatches to its subcommands.
 * <p>
 * To add a subcommand: write a {@code @Command} class implementing {@code Callable<Integer>} that returns an
 * {@link ExitCodes} value and throws {@link ParameterException} for bad usage, and add it to
 * {@code subcommands} below — the one list of them. {@link #newCommandLine()} gives every command the standard
 * help options' behaviour, the exit code list and the error handling.
 * <p>
 * Not thread-safe: picocli builds one instance per command line.
 */
@Command(
    name = "tandem",
    mixinStandardHelpOptions = true,
    versionProvider = TandemCommand.Version.class,
    description = "A dual-controller mirrored write-cache storage appliance, simulated on the JVM.",
    subcommands = {
        PrimaryCommand.class,
        SecondaryCommand.class,
        CtlCommand.class,
        DemoCommand.class,
        WorkloadCommand.class,
        PlotCommand.class,
        CommandLine.HelpCommand.class,
    },
    commandListHeading = "%nCommands:%n",
    footer = {"", "Run 'tandem help COMMAND' or 'tandem COMMAND --help' for a command's options."})
public final class TandemCommand implements Callable<Integer>
{
    @Spec
    private CommandSpec spec;

    public Integer call()
    {
        throw new ParameterException(spec.commandLine(), "Missing command: give one of " +
            String.join(", ", spec.subcommands().keySet()));
    }

    /**
     * @return the command line every tandem entry point (main, tests) executes: exit codes listed in every help,
     * unexpected exceptions reported as {@link ExitCodes#INTERNAL}.
     */
    public static CommandLine newCommandLine()
    {
        final CommandLine commandLine = new CommandLine(new TandemCommand());
        commandLine.setOverwrittenOptionsAllowed(true);
        applyToAll(commandLine);
        // picocli answers --help even after a word it does not know (tandem ctl bogus --help printed ctl's help
        // and exited 0): an unknown subcommand is an error whatever follows it
        commandLine.setExecutionStrategy(parseResult ->
        {
            for (CommandLine.ParseResult level = parseResult; null != level; level = level.subcommand())
            {
                if (!level.unmatched().isEmpty())
                {
                    throw new CommandLine.UnmatchedArgumentException(level.commandSpec().commandLine(),
                        level.unmatched());
                }
            }
            return new CommandLine.RunLast().execute(parseResult);
        });
        commandLine.setExecutionExceptionHandler((ex, cmd, parseResult) ->
        {
            cmd.getErr().println(cmd.getColorScheme().errorText(cmd.getCommandName() + ": internal error: " + ex));
            ex.printStackTrace(cmd.getErr());
            return ExitCodes.INTERNAL;
        });
        return commandLine;
    }

    private static void applyToAll(final CommandLine commandLine)
    {
        commandLine.getCommandSpec().usageMessage()
            .exitCodeListHeading("%nExit codes:%n")
            .exitCodeList(ExitCodes.descriptions());
        commandLine.getCommandSpec().exitCodeOnInvalidInput(ExitCodes.USAGE);
        for (final CommandLine sub : commandLine.getSubcommands().values())
        {
            if (!(sub.getCommand() instanceof CommandLine.HelpCommand))
            {
                applyToAll(sub);
            }
        }
    }

    /**
     * The version the build wrote into the {@code /tandem-version.txt} resource.
     */
    public static final class Version implements CommandLine.IVersionProvider
    {
        public String[] getVersion() throws IOException
        {
            try (InputStream in = TandemCommand.class.getResourceAsStream("/tandem-version.txt"))
            {
                final String version =
                    null == in ? "unknown" : new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
                return new String[] {"tandem " + version, "JVM: ${java.version} (${java.vendor} ${java.vm.name})"};
            }
        }
    }
}
