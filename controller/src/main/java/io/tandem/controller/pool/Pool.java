package io.tandem.controller.pool;

import io.tandem.raid.ArraySpec;
import io.tandem.raid.PoolArrays;
import io.tandem.staging.block.BlockDevice;
import io.tandem.staging.block.FileBlockDevice;
import io.tandem.staging.block.MappedBlockDevice;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.nio.file.Path;

/**
 * The storage both controllers reach, as the shelves of a real dual-controller array: a directory with the
 * volume's block file, the {@link SuperblockStore superblock} and one {@link MailboxFile mailbox} per
 * controller.
 * <pre>
 *  pool/
 *    superblock          owner, epoch, CP LSN, mirror state (replaced atomically)
 *    superblock.lock     serialises superblock changes between the two processes
 *    allocation-map      which blocks hold data, zeroes or holes, as of the CP LSN ({@link AllocationMapFile})
 *    volume-0.img        the volume's blocks (layout single)
 *    disk-0.img, ...     or the members of the volume's array ({@link ArraySpec}: raid5:4+1spare, ...)
 *    layout              the layout, as made
 *    mailbox-0, -1       each controller's heartbeat and process id
 * </pre>
 * An array is assembled only by the controller that writes the pool, when it first asks for the volume
 * ({@link #volume()}, {@link #openVolume()}): assembly writes the members' headers, which only the pool's owner
 * may.
 * Opening a pool never changes it except to create a missing one; fencing decides who may write it
 * ({@link Ownership}).
 * <p>
 * Thread-safe as its parts are: the volume device and the superblock store are; mailbox files are per thread.
 */
public final class Pool implements AutoCloseable
{
    public static final String VOLUME_FILE_NAME = "volume-0.img";
    public static final String LAYOUT_FILE_NAME = "layout";
    public static final String MEMBERS_FILE_NAME = "members";

    private final PoolContext ctx;
    private final SuperblockStore superblocks;
    private final AllocationMapFile allocationMapFile;
    private final ArraySpec layout;
    private final java.util.Map<String, Path> memberLocations;
    private final BlockDevice volume;
    private PoolArrays arrays;
    private BlockDevice arrayVolume;

    private Pool(final PoolContext ctx, final SuperblockStore superblocks, final ArraySpec layout,
        final java.util.Map<String, Path> memberLocations, final BlockDevice volume)
    {
        this.memberLocations = memberLocations;
        this.ctx = ctx;
        this.superblocks = superblocks;
        this.allocationMapFile = new AllocationMapFile(ctx.dir(), ctx.blockSize(), ctx.volumeSize() / ctx.blockSize());
        this.layout = layout;
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
            recordLayout(dir, null == ctx.layout() ? ArraySpec.SINGLE : ctx.layout());
            recordMembers(dir, ctx.memberLocations());
            // before the superblock: a pool whose superblock says it has a map has one from the start
            final long blocks = ctx.volumeSize() / ctx.blockSize();
            superblocks.createIfMissing(ctx.clusterId(), ctx.volumeSize(), ctx.blockSize(),
                null == ctx.pairSettings() ? PoolContext.UNRECORDED_SETTINGS : ctx.pairSettings(),
                () -> new AllocationMapFile(dir, ctx.blockSize(), blocks).create(
                    AllocationMap.allHoles(ctx.blockSize(), blocks), 0));
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
        final ArraySpec layout = recordedLayout(dir);
        if (null != ctx.layout() && !ctx.layout().equals(layout))
        {
            throw new PoolFormatException(dir.resolve(LAYOUT_FILE_NAME), "the pool's layout is " + layout +
                ", this controller was started with --pool " + ctx.layout() + "; a pool keeps the layout it was " +
                "made with");
        }
        final java.util.Map<String, Path> members = recordedMembers(dir);
        if (!ctx.memberLocations().isEmpty() && !ctx.memberLocations().equals(members))
        {
            throw new PoolFormatException(dir.resolve(MEMBERS_FILE_NAME), "the pool's members lie at " + members +
                ", this controller was started with --pool-member " + ctx.memberLocations());
        }
        if (!layout.single())
        {
            return new Pool(ctx, superblocks, layout, members, null);
        }
        final Path volumeFile = dir.resolve(VOLUME_FILE_NAME);
        final long blocks = ctx.volumeSize() / ctx.blockSize();
        final BlockDevice volume = ctx.volumeWrapper().apply(ctx.mappedVolume() ?
            MappedBlockDevice.open(volumeFile, ctx.blockSize(), blocks, true) :
            FileBlockDevice.open(volumeFile, ctx.blockSize(), blocks, true));
        return new Pool(ctx, superblocks, layout, members, volume);
    }

    private static void recordLayout(final Path dir, final ArraySpec layout) throws IOException
    {
        writeAtomically(dir, LAYOUT_FILE_NAME, layout + "\n");
    }

    private static void recordMembers(final Path dir, final java.util.Map<String, Path> members) throws IOException
    {
        if (members.isEmpty())
        {
            return;
        }
        final StringBuilder text = new StringBuilder();
        new java.util.TreeMap<>(members).forEach((name, path) -> text.append(name).append('=').append(path)
            .append('\n'));
        writeAtomically(dir, MEMBERS_FILE_NAME, text);
    }

    /**
     * Replaces {@code dir/name} with {@code text} in one rename: a crash leaves the old file or the new, whole.
     * Each writer writes a temporary file of its own: two controllers creating the pool together once shared one
     * name, and the second rename found the file gone.
     */
    private static void writeAtomically(final Path dir, final String name, final CharSequence text)
        throws IOException
    {
        final Path temp = Files.createTempFile(dir, name + ".", ".tmp");
        try
        {
            Files.writeString(temp, text, StandardCharsets.UTF_8);
            Files.move(temp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        finally
        {
            Files.deleteIfExists(temp);
        }
    }

    private static java.util.Map<String, Path> recordedMembers(final Path dir) throws IOException
    {
        final Path file = dir.resolve(MEMBERS_FILE_NAME);
        if (!Files.exists(file))
        {
            return java.util.Map.of();
        }
        final java.util.Map<String, Path> members = new java.util.HashMap<>();
        for (final String line : Files.readAllLines(file, StandardCharsets.UTF_8))
        {
            final int equals = line.indexOf('=');
            if (equals > 0)
            {
                members.put(line.substring(0, equals), Path.of(line.substring(equals + 1)));
            }
        }
        return java.util.Map.copyOf(members);
    }

    /**
     * @return the file the allocation map is persisted in, as of each CP ({@link Ownership#recordCheckpoint}).
     */
    public AllocationMapFile allocationMapFile()
    {
        return allocationMapFile;
    }

    /**
     * Reads the allocation map as of {@code superblock}'s CP LSN: what the pool holds, before the NVLog's replay
     * above that LSN marks what it replays. A pool made before maps were holds data in every block.
     *
     * @throws PoolFormatException if the superblock says there is a map and no valid one is there.
     */
    public AllocationMap loadAllocationMap(final Superblock superblock) throws IOException
    {
        final AllocationMap map = AllocationMap.allData(ctx.blockSize(), ctx.volumeSize() / ctx.blockSize());
        loadAllocationMap(superblock, map);
        return map;
    }

    /**
     * Reads the allocation map as of {@code superblock}'s CP LSN into {@code map}, as
     * {@link #loadAllocationMap(Superblock)} does.
     */
    public void loadAllocationMap(final Superblock superblock, final AllocationMap map) throws IOException
    {
        if (superblock.hasAllocationMap())
        {
            allocationMapFile.load(superblock.cpLsn(), map);
        }
        else
        {
            map.markData(0, map.blockCount());
        }
    }

    /**
     * @return the layout the pool was made with; {@code single} for a pool made before layouts were recorded.
     */
    private static ArraySpec recordedLayout(final Path dir) throws IOException
    {
        final Path file = dir.resolve(LAYOUT_FILE_NAME);
        if (!Files.exists(file))
        {
            return ArraySpec.SINGLE;
        }
        try
        {
            return ArraySpec.parse(Files.readString(file, StandardCharsets.UTF_8));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new PoolFormatException(file, ex.getMessage());
        }
    }

    /**
     * @return the pool's layout.
     */
    public ArraySpec layout()
    {
        return layout;
    }

    /**
     * Makes every region the arrays' write-intent bitmaps mark consistent again (after the owner's crash: the
     * writes it had in flight), assembling the array if this controller has not yet. Inner arrays first.
     *
     * @return stripes resynced; 0 for a single pool.
     */
    public long resyncDirtyRegions() throws IOException
    {
        if (layout.single())
        {
            return 0;
        }
        volume();
        long stripes = 0;
        for (final io.tandem.raid.RaidArray array : arrays().arrays().values())
        {
            stripes += array.resyncDirtyRegions();
        }
        return stripes;
    }

    /**
     * @return the assembled array of an array pool, or null (a single pool, or not assembled by this controller).
     */
    public synchronized PoolArrays arrays()
    {
        return arrays;
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
    public synchronized BlockDevice volume() throws IOException
    {
        if (layout.single())
        {
            return volume;
        }
        if (null == arrayVolume)
        {
            arrays = PoolArrays.open(ctx.dir(), layout, ctx.blockSize(), ctx.chunkSize() / ctx.blockSize(),
                ctx.volumeSize() / ctx.blockSize(), ctx.clusterId(), ctx.arrayListener(), memberLocations);
            arrayVolume = ctx.volumeWrapper().apply(arrays.array());
        }
        return arrayVolume;
    }

    /**
     * Opens the volume's blocks again, through a channel of the caller's own: for work that a timeout may
     * interrupt (a takeover step), since an interrupt during I/O closes the channel it used, and with a shared
     * channel every later user (the retry) would fail. Writes through it and through {@link #volume()} reach the
     * same file. The caller closes it.
     */
    public BlockDevice openVolume() throws IOException
    {
        if (!layout.single())
        {
            // one array per process at a time: assembled afresh for the caller at its first I/O (a takeover opens
            // the volume before its fence, and assembly writes), closed with what it is given
            synchronized (this)
            {
                closeArray();
                return new ArrayHandle();
            }
        }
        return ctx.volumeWrapper().apply(FileBlockDevice.open(ctx.dir().resolve(VOLUME_FILE_NAME), ctx.blockSize(),
            ctx.volumeSize() / ctx.blockSize(), false));
    }

    private synchronized void closeArray() throws IOException
    {
        if (null != arrays)
        {
            final PoolArrays closing = arrays;
            arrays = null;
            arrayVolume = null;
            closing.close();
        }
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
        if (layout.single())
        {
            volume.close();
        }
        else
        {
            closeArray();
        }
    }

    /**
     * The array as {@link #openVolume()} lends it: closing it closes the array, which the next
     * {@link #volume()} assembles again.
     */
    private final class ArrayHandle implements BlockDevice
    {
        private BlockDevice array;

        private synchronized BlockDevice array() throws IOException
        {
            if (null == array)
            {
                array = volume();
            }
            return array;
        }

        public int blockSize()
        {
            return ctx.blockSize();
        }

        public long blockCount()
        {
            return ctx.volumeSize() / ctx.blockSize();
        }

        public void read(final long blockIndex, final java.nio.ByteBuffer dst) throws IOException
        {
            array().read(blockIndex, dst);
        }

        public void write(final long blockIndex, final java.nio.ByteBuffer src) throws IOException
        {
            array().write(blockIndex, src);
        }

        public void flush() throws IOException
        {
            array().flush();
        }

        public void settled() throws IOException
        {
            array().settled();
        }

        public void close() throws IOException
        {
            synchronized (Pool.this)
            {
                // the array assembled for this handle's holder, whether its own I/O or resyncDirtyRegions() did it;
                // not one assembled again after it
                if (null == array || arrayVolume == array)
                {
                    closeArray();
                }
            }
        }
    }
}
