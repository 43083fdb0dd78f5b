package io.tandem.cli;

import io.tandem.cli.supervisor.RoleSupervisor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * {@code tandem secondary}: runs a controller in the secondary role until it is stopped.
 * <p>
 * Not thread-safe: picocli builds one instance per command line.
 */
@Command(
    name = "secondary",
    mixinStandardHelpOptions = true,
    versionProvider = TandemCommand.Version.class,
    description = {
        "Run the secondary controller: keep the mirror of the primary's NVLog in this controller's own NVRAM, " +
            "acknowledge each record once it is durable here, and watch the primary on every path and through " +
            "its mailbox on the pool. It exports the volume on its own port but refuses I/O until it takes over.",
        "With no options it pairs with `tandem primary` on loopback: NBD on 127.0.0.1:10810.",
    },
    sortOptions = false)
public final class SecondaryCommand implements Callable<Integer>
{
    @Spec
    private CommandSpec spec;

    @Option(names = "--id", paramLabel = "N", defaultValue = "1",
        description = "This controller's id, 0 or 1; the partner is the other (default: ${DEFAULT-VALUE}).")
    private int id;

    @Mixin
    private ControllerOptions options;

    public Integer call()
    {
        return ControllerRun.run(spec, options, id, RoleSupervisor.Role.SECONDARY);
    }
}
