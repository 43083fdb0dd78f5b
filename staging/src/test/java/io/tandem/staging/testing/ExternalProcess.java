package io.tandem.staging.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a client tool as a process with a deadline, capturing its output in a file; a process still running at the
 * deadline is killed (with its descendants) by its process id.
 */
public final class ExternalProcess
{
    public final int exitCode;
    public final String output;
    public final List<String> command;

    private ExternalProcess(final List<String> command, final int exitCode, final String output)
    {
        this.command = command;
        this.exitCode = exitCode;
        this.output = output;
    }

    public static ExternalProcess run(final Path workDir, final long timeoutSeconds, final String... command)
        throws IOException, InterruptedException
    {
        final Path out = Files.createTempFile(workDir, "process", ".out");
        final Process process = new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
        try
        {
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS))
            {
                kill(process);
                throw new AssertionError("timed out after " + timeoutSeconds + " s: " + String.join(" ", command) +
                    "\n" + Files.readString(out, StandardCharsets.UTF_8));
            }
            return new ExternalProcess(List.of(command), process.exitValue(), Files.readString(out));
        }
        finally
        {
            if (process.isAlive())
            {
                kill(process);
            }
            Files.deleteIfExists(out);
        }
    }

    /**
     * @return true if {@code tool} is an executable file in a directory of the PATH: a test that needs a Debian tool
     * skips when it is missing, and only then.
     */
    public static boolean installed(final String tool)
    {
        final String path = System.getenv("PATH");
        if (null == path)
        {
            return false;
        }
        for (final String directory : path.split(java.io.File.pathSeparator))
        {
            if (!directory.isEmpty() && Files.isExecutable(Path.of(directory, tool)))
            {
                return true;
            }
        }
        return false;
    }

    private static void kill(final Process process) throws InterruptedException
    {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
    }

    public ExternalProcess assertSuccess()
    {
        if (0 != exitCode)
        {
            throw new AssertionError("exit code " + exitCode + " from " + String.join(" ", command) + "\n" + output);
        }
        return this;
    }

    public String toString()
    {
        return String.join(" ", command) + " -> " + exitCode + "\n" + output;
    }
}
