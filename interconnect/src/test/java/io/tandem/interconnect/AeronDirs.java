package io.tandem.interconnect;

import org.agrona.IoUtil;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * A fresh base directory for the test's endpoints, in memory when /dev/shm exists; {@link #close()} deletes it.
 */
final class AeronDirs implements AutoCloseable
{
    final Path base;

    AeronDirs()
    {
        final Path root = Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm") :
            Path.of(System.getProperty("java.io.tmpdir"));
        base = root.resolve("tandem-ic-test-" + UUID.randomUUID());
        IoUtil.ensureDirectoryExists(base.toFile(), "test aeron base");
    }

    public void close()
    {
        IoUtil.delete(base.toFile(), true);
    }
}
