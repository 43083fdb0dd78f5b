package io.tandem.bench.interconnect;

import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.tandem.interconnect.InterconnectContext;
import org.agrona.IoUtil;
import org.agrona.concurrent.BackoffIdleStrategy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * Where the interconnect benchmarks put their Aeron directories (in memory: /dev/shm when present), and a raw
 * media driver configured like an interconnect endpoint's, for the baselines. Not thread-safe.
 */
final class BenchDrivers
{
    static
    {
        // the raw baselines get the same driver tuning as the endpoints, whichever starts first
        InterconnectContext.applyJvmWideDefaults();
    }

    private BenchDrivers()
    {
    }

    static Path newBase()
    {
        final Path root = Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm") :
            Path.of(System.getProperty("java.io.tmpdir"));
        final Path base = root.resolve("tandem-bench-ic-" + UUID.randomUUID());
        IoUtil.ensureDirectoryExists(base.toFile(), "bench base");
        return base;
    }

    static void delete(final Path base)
    {
        IoUtil.delete(base.toFile(), true);
    }

    /**
     * A driver with the settings {@code InterconnectEndpoint} uses: SHARED threading, back-off idling, no async
     * executor, sparse term buffers.
     */
    static MediaDriver launch(final Path dir)
    {
        return MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName(dir.toString())
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(new BackoffIdleStrategy())
            .asyncExecutorEnabled(false)
            .termBufferSparseFile(true)
            .performStorageChecks(false));
    }
}
