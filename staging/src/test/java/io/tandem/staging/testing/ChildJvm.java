package io.tandem.staging.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM started by a test with the test JVM's own flags and class path, so it can run any test main
 * class. Its standard output is read line by line; its standard error goes to a file beside it for when a test
 * fails. {@link #kill()} sends SIGKILL, as a crash would; {@link #close()} makes sure it is gone.
 * <p>
 * Not thread-safe: one test thread drives it.
 */
public final class ChildJvm implements AutoCloseable
{
    private final Process process;
    private final BufferedReader stdout;
    private final Path stderr;

    private ChildJvm(final Process process, final Path stderr)
    {
        this.process = process;
        this.stderr = stderr;
        this.stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /**
     * Starts {@code mainClass} with {@code args} in a new JVM.
     *
     * @param stderr where the child's standard error goes.
     */
    public static ChildJvm start(final Class<?> mainClass, final Path stderr, final String... args)
        throws IOException
    {
        return start(mainClass, stderr, List.of(), args);
    }

    /**
     * Starts {@code mainClass} with {@code args} in a new JVM given {@code jvmArgs} (system properties, say)
     * after the test JVM's own.
     *
     * @param stderr where the child's standard error goes.
     */
    public static ChildJvm start(
        final Class<?> mainClass, final Path stderr, final List<String> jvmArgs, final String... args)
        throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse(
            Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (final String arg : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            // surefire's agent and debug options belong to the test JVM only
            if (!arg.startsWith("-javaagent") && !arg.startsWith("-agentlib"))
            {
                command.add(arg);
            }
        }
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        command.addAll(List.of(args));
        final Process process = new ProcessBuilder(command)
            .redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()))
            .start();
        return new ChildJvm(process, stderr);
    }

    /**
     * @return the next line the child printed, or null once it closed its output (it died or exited).
     */
    public String readLine() throws IOException
    {
        return stdout.readLine();
    }

    public boolean isAlive()
    {
        return process.isAlive();
    }

    public long pid()
    {
        return process.pid();
    }

    public Path stderr()
    {
        return stderr;
    }

    /**
     * Kills the child with SIGKILL and waits for it to be gone. What it printed before dying can still be read.
     */
    public void kill() throws InterruptedException
    {
        // through the handle: Process.destroyForcibly would also close our end of its output
        process.toHandle().destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS))
        {
            throw new IllegalStateException("child " + process.pid() + " survived SIGKILL for 30 s");
        }
    }

    /**
     * Asks the child to stop with SIGTERM, as an operator would, and waits for it to exit; kills it with SIGKILL
     * if it is still running after {@code timeout}.
     *
     * @return its exit code.
     */
    public int terminate(final long timeout, final TimeUnit unit) throws InterruptedException
    {
        process.toHandle().destroy();
        if (!process.waitFor(timeout, unit))
        {
            kill();
        }
        return process.exitValue();
    }

    /**
     * Waits for the child to exit by itself.
     *
     * @return its exit code.
     */
    public int waitFor(final long timeout, final TimeUnit unit) throws InterruptedException
    {
        if (!process.waitFor(timeout, unit))
        {
            throw new IllegalStateException("child " + process.pid() + " still running after " + timeout + " " + unit);
        }
        return process.exitValue();
    }

    public void close() throws IOException, InterruptedException
    {
        if (process.isAlive())
        {
            kill();
        }
        stdout.close();
    }
}
