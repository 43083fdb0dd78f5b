package io.tandem.cli;

import io.tandem.cli.supervisor.RoleSupervisor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * {@code tandem primary}: runs a controller in the primary role until it is stopped.
 * <p>
 * Not thread-safe: picocli builds one instance per command line.
 */
@Command(
    name = "primary",
    mixinStandardHelpOptions = true,
    versionProvider = TandemCommand.Version.class,
    description = {
        "Run the primary controller: take the pool (fencing any former owner), replay the local NVLog, then " +
            "serve the volume over NBD, mirroring every write to the secondary before acknowledging it.",
        "With no options it pairs with `tandem secondary` on loopback: NBD on 127.0.0.1:10809, two interconnect " +
            "paths, data under ./tandem-data. Stop it with Ctrl-C or SIGTERM: it destages its cache first.",
    },
    sortOptions = false)
public final class PrimaryCommand implements Callable<Integer>
{
    @Spec
    private CommandSpec spec;

    @Option(names = "--id", paramLabel = "N", defaultValue = "0",
        description = "This controller's id, 0 or 1; the partner is the other (default: ${DEFAULT-VALUE}).")
    private int id;

    @Mixin
    private ControllerOptions options;

    public Integer call()
    {
        return ControllerRun.run(spec, options, id, RoleSupervisor.Role.PRIMARY);
    }
}
