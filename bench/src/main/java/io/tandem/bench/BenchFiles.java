package io.tandem.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Where benchmarks keep their files: a fresh directory under {@code TANDEM_BENCH_DIR} (default
 * {@code bench/target/bench-data}, on the same disk as the build, never a tmpfs by accident),
 * deleted again at tear-down. Not thread-safe; used from JMH setup and tear-down methods only.
 */
public final class BenchFiles
{
    public static final String BENCH_DIR_ENV = "TANDEM_BENCH_DIR";
    public static final String BENCH_DIR_DEFAULT = "bench/target/bench-data";

    private BenchFiles()
    {
    }

    public static Path newDirectory(final String prefix) throws IOException
    {
        final String configured = System.getenv(BENCH_DIR_ENV);
        final Path root = Path.of(null == configured ? BENCH_DIR_DEFAULT : configured).toAbsolutePath();
        Files.createDirectories(root);
        return Files.createTempDirectory(root, prefix);
    }

    public static void delete(final Path dir) throws IOException
    {
        if (null == dir || !Files.exists(dir))
        {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir))
        {
            for (final Path p : (Iterable<Path>)paths.sorted(Comparator.reverseOrder())::iterator)
            {
                Files.deleteIfExists(p);
            }
        }
    }
}
