package io.tandem.bench;

import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Runs JMH with the command line it is given, appending the JVM flags every tandem JVM needs
 * (the root pom's {@code tandem.jvm.flags}, filtered into this jar) to every fork.
 * <p>
 * Usage is JMH's own: {@code java -jar bench/target/benchmarks.jar NvLogAppend -p payloadSize=4096}.
 */
public final class BenchMain
{
    static final String JVM_FLAGS_RESOURCE = "/tandem-jvm.flags";

    private BenchMain()
    {
    }

    public static void main(final String[] args) throws CommandLineOptionException, RunnerException, IOException
    {
        final CommandLineOptions cmd = new CommandLineOptions(args);
        final Options options = new OptionsBuilder().parent(cmd).jvmArgsAppend(jvmFlags()).build();
        new Runner(options).run();
    }

    /**
     * @return the flags every tandem JVM needs, split on whitespace.
     * @throws IOException if the resource is missing, which means the jar was built without Maven filtering.
     */
    public static String[] jvmFlags() throws IOException
    {
        try (InputStream in = BenchMain.class.getResourceAsStream(JVM_FLAGS_RESOURCE))
        {
            if (null == in)
            {
                throw new IOException("missing resource " + JVM_FLAGS_RESOURCE + ": build the bench module with Maven");
            }
            final String flags = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            if (flags.isEmpty() || flags.startsWith("${"))
            {
                throw new IOException("resource " + JVM_FLAGS_RESOURCE + " was not filtered: build with Maven");
            }
            return flags.split("\\s+");
        }
    }
}
