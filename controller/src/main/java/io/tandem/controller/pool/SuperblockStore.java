package io.tandem.controller.pool;

import io.tandem.staging.DurableFiles;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

/**
 * The superblock file of a pool, read and changed by both controllers.
 * <p>
 * A change is atomic and serialised between processes: under an exclusive lock on {@code superblock.lock} the
 * store reads the current superblock, lets the caller change it, writes the result to a temporary file, forces
 * it, renames it over the old one and forces the directory. A reader sees the old superblock or the new one,
 * never a mix, and a crash at any point leaves one of the two.
 * <p>
 * Thread-safe: every call opens what it needs; changes from threads of one process are serialised too.
 * A change blocks while another process changes the superblock: call it off the I/O path.
 */
public final class SuperblockStore
{
    public static final String FILE_NAME = "superblock";
    static final String LOCK_FILE_NAME = "superblock.lock";

    /**
     * A file lock belongs to the whole JVM: two stores of one JVM (both controllers of a test, say) must not
     * ask for it at once, or the second gets an OverlappingFileLockException instead of waiting.
     */
    private static final Object JVM_LOCK = new Object();

    private final Path file;
    private final Path lockFile;
    private final EpochClock clock;

    public SuperblockStore(final Path dir, final EpochClock clock)
    {
        this.file = dir.resolve(FILE_NAME);
        this.lockFile = dir.resolve(LOCK_FILE_NAME);
        this.clock = clock;
    }

    public Path file()
    {
        return file;
    }

    public boolean exists()
    {
        return Files.exists(file);
    }

    /**
     * Something written with a new pool before its superblock, under the superblock's lock.
     */
    @FunctionalInterface
    public interface BeforeCreate
    {
        void write() throws IOException;
    }

    /**
     * Writes a new superblock unless one exists, after {@code beforeCreate} (what the superblock says the pool
     * has: its allocation map), both under the lock, so two controllers creating the pool at once write each
     * once.
     *
     * @return true if this call created it.
     */
    public boolean createIfMissing(
        final long clusterId,
        final long volumeSize,
        final int blockSize,
        final PairSettings settings,
        final BeforeCreate beforeCreate)
        throws IOException
    {
        synchronized (JVM_LOCK)
        {
            return createLocked(clusterId, volumeSize, blockSize, settings, beforeCreate);
        }
    }

    private boolean createLocked(
        final long clusterId,
        final long volumeSize,
        final int blockSize,
        final PairSettings settings,
        final BeforeCreate beforeCreate)
        throws IOException
    {
        try (FileChannel lockChannel = FileChannel.open(lockFile, CREATE, WRITE);
            FileLock ignored = lockChannel.lock())
        {
            if (Files.exists(file))
            {
                return false;
            }
            beforeCreate.write();
            final UnsafeBuffer bytes = new UnsafeBuffer(new byte[Superblock.LENGTH]);
            new Superblock().wrap(bytes).format(clusterId, volumeSize, blockSize, settings, clock.time());
            replace(bytes);
            return true;
        }
    }

    /**
     * @return a copy of the current superblock.
     * @throws PoolFormatException if it is missing, damaged or of another format version.
     */
    public Superblock read() throws IOException
    {
        final UnsafeBuffer bytes = new UnsafeBuffer(new byte[Superblock.LENGTH]);
        readInto(bytes);
        return new Superblock().wrap(bytes);
    }

    /**
     * Changes the superblock atomically, serialised with every other change from any process.
     *
     * @return the superblock as stored after the call (unchanged if {@code update} declined).
     */
    public Superblock update(final SuperblockUpdate update) throws IOException
    {
        synchronized (JVM_LOCK)
        {
            return updateLocked(update);
        }
    }

    private Superblock updateLocked(final SuperblockUpdate update) throws IOException
    {
        try (FileChannel lockChannel = FileChannel.open(lockFile, CREATE, WRITE);
            FileLock ignored = lockChannel.lock())
        {
            final UnsafeBuffer bytes = new UnsafeBuffer(new byte[Superblock.LENGTH]);
            readInto(bytes);
            final Superblock superblock = new Superblock().wrap(bytes);
            final long updateCount = superblock.updateCount();
            if (update.apply(superblock))
            {
                superblock.updateCount(updateCount + 1).updatedMs(clock.time()).seal();
                replace(bytes);
            }
            return superblock;
        }
    }

    private void readInto(final UnsafeBuffer bytes) throws IOException
    {
        if (!Files.exists(file))
        {
            throw new PoolFormatException(file, "no superblock: not a pool, or not created yet");
        }
        final ByteBuffer in = ByteBuffer.wrap(bytes.byteArray());
        try (FileChannel channel = FileChannel.open(file, READ))
        {
            while (in.hasRemaining() && channel.read(in) >= 0)
            {
                // read to the end or to the length of a superblock
            }
        }
        if (in.hasRemaining())
        {
            throw new PoolFormatException(file, "superblock is " + in.position() + " bytes, expected " +
                Superblock.LENGTH);
        }
        final Superblock superblock = new Superblock().wrap(bytes);
        if (Superblock.MAGIC != superblock.magic())
        {
            throw new PoolFormatException(file, "not a tandem superblock (bad magic)");
        }
        if (superblock.version() < Superblock.MIN_VERSION || superblock.version() > Superblock.VERSION)
        {
            throw new PoolFormatException(file, "superblock format version " + superblock.version() +
                ", this build reads versions " + Superblock.MIN_VERSION + " to " + Superblock.VERSION);
        }
        if (superblock.crc() != superblock.computeCrc())
        {
            throw new PoolFormatException(file, "superblock is damaged (CRC mismatch)");
        }
    }

    private void replace(final UnsafeBuffer bytes) throws IOException
    {
        DurableFiles.replace(file, ByteBuffer.wrap(bytes.byteArray(), 0, Superblock.LENGTH));
    }
}
