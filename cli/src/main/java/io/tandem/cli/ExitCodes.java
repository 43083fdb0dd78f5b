package io.tandem.cli;

import io.tandem.controller.errors.FatalFault;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The exit codes of every tandem command, in one place: {@link TandemCommand} prints them in every command's help.
 */
public final class ExitCodes
{
    /** The command did what it was asked; for a workload: completed with zero verification errors. */
    public static final int OK = 0;
    /** The command ran and failed: verification errors, I/O errors, a run that could not complete. */
    public static final int FAILED = 1;
    /** Bad usage: unknown option, bad value, missing subcommand; the usage is printed. */
    public static final int USAGE = 2;
    /** No target could be reached or none serves the volume (refuses I/O, or a failover ran out of time). */
    public static final int UNREACHABLE = 3;
    /** A bug: an unexpected exception, printed with its stack trace. */
    public static final int INTERNAL = 4;

    private ExitCodes()
    {
    }

    /**
     * @return code to description, in picocli's {@code exitCodeList} form.
     */
    public static Map<String, String> descriptions()
    {
        final Map<String, String> descriptions = new LinkedHashMap<>();
        descriptions.put(" " + OK, "success (a workload: completed, zero verification errors)");
        descriptions.put(" " + FAILED, "failed: verification errors, I/O errors, a run that could not complete");
        descriptions.put(" " + USAGE, "bad usage: unknown option, bad value, missing subcommand");
        descriptions.put(" " + UNREACHABLE, "target unreachable, refusing I/O, or no target left to fail over to");
        descriptions.put(" " + INTERNAL, "internal error (a bug: please report the stack trace)");
        for (final FatalFault fault : FatalFault.values())
        {
            descriptions.put(fault.exitCode() + "", "a controller stopped: " + fault.description());
        }
        return descriptions;
    }
}
