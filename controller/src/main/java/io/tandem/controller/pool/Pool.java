package io.tandem.controller.pool;

import io.tandem.staging.block.BlockDevice;
import io.tandem.staging.block.FileBlockDevice;
import io.tandem.staging.block.MappedBlockDevice;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The storage both controllers reach, as the shelves of a real dual-controller array: a directory with the
 * volume's block file, the {@link SuperblockStore superblock} and one {@link MailboxFile mailbox} per
 * controller.
 * <pre>
 *  pool/
 *    superblock          owner, epoch, CP LSN, mirror state (replaced atomically)
 *    superblock.lock     serialises superblock changes between the two processes
 *    volume-0.img        the volume's blocks
 *    mailbox-0, -1       each controller's heartbeat and process id
 * </pre>
 * Opening a pool never changes it except to create a missing one; fencing decides who may write it
 * ({@link Ownership}).
 * <p>
 * Thread-safe as its parts are: the volume device and the superblock store are; mailbox files are per thread.
 */
public final class Pool implements AutoCloseable
{
    public static final String VOLUME_FILE_NAME = "volume-0.img";

    private final PoolContext ctx;
    private final SuperblockStore superblocks;
    private final BlockDevice volume;

    private Pool(final PoolContext ctx, final SuperblockStore superblocks, final BlockDevice volume)
    {
        this.ctx = ctx;
        this.superblocks = superblocks;
        this.volume = volume;
    }

    /**
     * Opens the pool, creating it if the directory holds none and the context allows.
     *
     * @throws PoolFormatException if the pool belongs to another cluster, has another volume geometry, or records
     *                             pair settings other than the context's.
     */
    public static Pool open(final PoolContext ctx) throws IOException
    {
        ctx.conclude();
        final Path dir = ctx.dir();
        final SuperblockStore superblocks = new SuperblockStore(dir, ctx.epochClock());
        if (!superblocks.exists())
        {
            if (!ctx.createIfMissing())
            {
                throw new PoolFormatException(dir, "no pool here (no superblock), and createIfMissing is off");
            }
            Files.createDirectories(dir);
            superblocks.createIfMissing(ctx.clusterId(), ctx.volumeSize(), ctx.blockSize(),
                null == ctx.pairSettings() ? PoolContext.UNRECORDED_SETTINGS : ctx.pairSettings());
        }
        final Superblock superblock = superblocks.read();
        if (superblock.clusterId() != ctx.clusterId())
        {
            throw new PoolFormatException(superblocks.file(), "pool belongs to cluster " +
                Long.toHexString(superblock.clusterId()) + ", this controller is in cluster " +
                Long.toHexString(ctx.clusterId()));
        }
        if (superblock.volumeSize() != ctx.volumeSize() || superblock.blockSize() != ctx.blockSize())
        {
            throw new PoolFormatException(superblocks.file(), "pool volume is " + superblock.volumeSize() +
                " bytes in blocks of " + superblock.blockSize() + ", configured " + ctx.volumeSize() +
                " in blocks of " + ctx.blockSize());
        }
        final PairSettings recorded = superblock.pairSettings();
        if (null != ctx.pairSettings() && !PoolContext.UNRECORDED_SETTINGS.equals(recorded))
        {
            final String mismatch = recorded.mismatch(ctx.pairSettings());
            if (null != mismatch)
            {
                throw new PoolFormatException(superblocks.file(), "this controller's settings do not match the " +
                    "pair's, as recorded in the pool: " + mismatch + ". Both controllers must run with the same " +
                    "settings");
            }
        }
        final Path volumeFile = dir.resolve(VOLUME_FILE_NAME);
        final long blocks = ctx.volumeSize() / ctx.blockSize();
        final BlockDevice volume = ctx.volumeWrapper().apply(ctx.mappedVolume() ?
            MappedBlockDevice.open(volumeFile, ctx.blockSize(), blocks, true) :
            FileBlockDevice.open(volumeFile, ctx.blockSize(), blocks, true));
        return new Pool(ctx, superblocks, volume);
    }

    public Path dir()
    {
        return ctx.dir();
    }

    public SuperblockStore superblocks()
    {
        return superblocks;
    }

    /**
     * @return the volume's blocks; write them only while owning the pool in the current epoch.
     */
    public BlockDevice volume()
    {
        return volume;
    }

    /**
     * Opens the volume's blocks again, through a channel of the caller's own: for work that a timeout may
     * interrupt (a takeover step), since an interrupt during I/O closes the channel it used, and with a shared
     * channel every later user (the retry) would fail. Writes through it and through {@link #volume()} reach the
     * same file. The caller closes it.
     */
    public BlockDevice openVolume() throws IOException
    {
        return ctx.volumeWrapper().apply(FileBlockDevice.open(ctx.dir().resolve(VOLUME_FILE_NAME), ctx.blockSize(),
            ctx.volumeSize() / ctx.blockSize(), false));
    }

    public long volumeSize()
    {
        return ctx.volumeSize();
    }

    public int blockSize()
    {
        return ctx.blockSize();
    }

    /**
     * @return a reader/writer of controller {@code controllerId}'s mailbox.
     */
    public MailboxFile mailbox(final int controllerId)
    {
        return new MailboxFile(ctx.dir(), controllerId);
    }

    public void close() throws IOException
    {
        volume.close();
    }
}
