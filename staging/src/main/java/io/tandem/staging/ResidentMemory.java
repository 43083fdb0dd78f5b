package io.tandem.staging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.CRC32C;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

/**
 * A device's staging area kept in a named file of shared memory (a tmpfs such as {@code /dev/shm}), mapped: the
 * memory outlives the process as an NVRAM card's outlives the operating system. A write is then durable at
 * {@link Durability#PROCESS} as soon as its bytes are copied in, with no {@code pwrite}; the device file is
 * brought up to date when the device closes cleanly.
 * <p>
 * Which copy holds the device's contents is recorded beside the device file: while the <em>marker</em>
 * {@code <device file>.resident} exists, the segment it names does, and the device file may be stale. The
 * marker is written (and forced, with its directory) only after the segment holds the file's contents, and
 * removed only after the segment was written back; so a crash at any point leaves one copy that is whole and
 * named (the write-back is not forced: {@link Durability#PROCESS} promises nothing across a power loss, and the
 * memory itself does not survive one). A marker whose segment is gone (the machine restarted, or someone removed
 * it) means writes the device completed may be lost: {@link #adopt} refuses, and says how to accept the loss.
 * <p>
 * The segment: one 4 KiB header (magic, geometry, the token the marker names, the device file's path), then the
 * staging area. It is filled by reading into it, never by first touching its mapping, so that a full tmpfs fails
 * with an error here instead of a fault in a later write.
 * <p>
 * Two devices of one process opened over one device file share its segment: the memory is written back when the
 * last of them closes, and only while the marker still names it (a device opened since without resident memory
 * took the contents back to the file, and a write-back from the older one would undo its writes).
 * <p>
 * Not thread-safe: the device opens and closes it on one thread.
 */
final class ResidentMemory
{
    static final String MARKER_SUFFIX = ".resident";
    static final String SEGMENT_PREFIX = "nvram-";
    static final String SEGMENT_SUFFIX = ".mem";

    private static final int HEADER_LENGTH = 4096;
    private static final long MAGIC = 0x4D454D5244444E54L; // "TNDDRMEM" little-endian
    private static final int VERSION = 1;
    private static final int MAGIC_OFFSET = 0;
    private static final int VERSION_OFFSET = 8;
    private static final int BLOCK_SIZE_OFFSET = 12;
    private static final int CAPACITY_OFFSET = 16;
    private static final int TOKEN_OFFSET = 24;
    private static final int PATH_LENGTH_OFFSET = 32;
    private static final int CRC_OFFSET = 36;
    private static final int PATH_OFFSET = 40;
    private static final int COPY_CHUNK = 1 << 20;

    /** Devices of this process open over each segment: the last to close writes it back. */
    private static final Map<Path, Integer> OPEN = new HashMap<>();

    private final Path segment;
    private final Path marker;
    private final long token;
    private final ByteBuffer staging;

    private ResidentMemory(final Path segment, final Path marker, final long token, final ByteBuffer staging)
    {
        this.segment = segment.toAbsolutePath();
        this.marker = marker;
        this.token = token;
        this.staging = staging;
        synchronized (OPEN)
        {
            OPEN.merge(this.segment, 1, Integer::sum);
        }
    }

    static Path markerOf(final Path deviceFile)
    {
        return deviceFile.resolveSibling(deviceFile.getFileName() + MARKER_SUFFIX);
    }

    /**
     * Maps the segment the device's marker names: its contents are the device's.
     *
     * @throws StagingFormatException if the marker cannot be read, or its segment is gone or is not this
     *                                device's: the device refuses to open, and nothing is changed.
     */
    static ResidentMemory adopt(final NvramContext ctx) throws IOException
    {
        final Path file = ctx.file();
        final Path marker = markerOf(file);
        final Path segment;
        final long token;
        try
        {
            final String[] fields = readMarker(marker);
            segment = Path.of(fields[0]);
            token = Long.parseUnsignedLong(fields[1], 16);
        }
        catch (final IOException | RuntimeException ex)
        {
            throw new StagingFormatException(file, "its memory marker " + marker + " cannot be read (" + ex +
                "); the device's contents may be in memory that is now out of reach");
        }
        if (!Files.isRegularFile(segment))
        {
            throw lost(file, marker, segment, "is gone (the machine restarted, or it was removed)");
        }
        try (FileChannel channel = FileChannel.open(segment, READ, WRITE))
        {
            final ByteBuffer header = readHeader(channel);
            final String problem = header.remaining() < HEADER_LENGTH ? "is too short" :
                channel.size() != HEADER_LENGTH + ctx.capacity() ? "is " + channel.size() + " bytes" :
                mismatch(header, ctx, token);
            if (null != problem)
            {
                throw lost(file, marker, segment, problem);
            }
            return new ResidentMemory(segment, marker, token, map(channel, ctx.capacity()));
        }
    }

    /**
     * Makes a new segment in {@code ctx.residentDir()} holding the device file's contents, and then the marker
     * that makes it the device's copy.
     *
     * @return the memory, or null if there is no room or no such directory: the device stages in memory of its
     * own, as without a resident directory, and {@code refusal[0]} says why.
     */
    static ResidentMemory create(final NvramContext ctx, final DeviceFile device, final String[] refusal)
    {
        final Path dir = ctx.residentDir();
        final long token = ThreadLocalRandom.current().nextLong() | 1;
        final Path segment = dir.resolve(SEGMENT_PREFIX + Long.toHexString(token) + SEGMENT_SUFFIX);
        try
        {
            Files.createDirectories(dir);
            removeOrphans(dir);
            try (FileChannel channel = FileChannel.open(segment, CREATE_NEW, READ, WRITE))
            {
                final ByteBuffer staging = map(channel, ctx.capacity());
                final ByteBuffer load = staging.duplicate();
                while (load.hasRemaining())
                {
                    // read, not put: a tmpfs with no room fails this read, not a later write into the mapping
                    if (device.read(load, ctx.blockSize() + load.position()) < 0)
                    {
                        throw new IOException("the device file ended at address " + load.position());
                    }
                }
                NvramDevice.writeFully(channel, header(ctx, token), 0);
                final ResidentMemory memory = new ResidentMemory(segment, markerOf(ctx.file()), token, staging);
                memory.writeMarker(token);
                return memory;
            }
        }
        catch (final IOException | UncheckedIOException ex)
        {
            refusal[0] = "no resident memory in " + dir + " (" + ex.getMessage() + ")";
            try
            {
                Files.deleteIfExists(segment);
            }
            catch (final IOException ignore)
            {
                // it was never named by a marker: it holds nothing the device needs
            }
            return null;
        }
    }

    /**
     * Removes the marker of {@code deviceFile}, and the segment it names: the device's contents are let go.
     */
    static void forget(final Path deviceFile) throws IOException
    {
        final Path marker = markerOf(deviceFile);
        if (Files.exists(marker))
        {
            try
            {
                Files.deleteIfExists(Path.of(readMarker(marker)[0]));
            }
            catch (final IOException | RuntimeException ex)
            {
                // an unreadable marker names nothing to remove; the segment, if any, goes as an orphan
            }
            Files.delete(marker);
        }
    }

    ByteBuffer staging()
    {
        return staging;
    }

    Path segment()
    {
        return segment;
    }

    /**
     * The device over this memory closed cleanly: the last device of this process open over it writes it back
     * ({@link #writeBack}), if the marker still names it.
     */
    void release(final DeviceFile device, final long fileOffset) throws IOException
    {
        if (unregister() && namedByMarker())
        {
            writeBack(device, fileOffset);
        }
    }

    /**
     * A device opened without resident memory takes the contents back to its file, whatever else of this process
     * has the memory open: from now on the file is the device's.
     */
    void takeBack(final DeviceFile device, final long fileOffset) throws IOException
    {
        unregister();
        writeBack(device, fileOffset);
    }

    /**
     * Stands for a new process in tests: none of this one's devices counts as open any more.
     */
    static void forgetOpenDevices()
    {
        synchronized (OPEN)
        {
            OPEN.clear();
        }
    }

    /**
     * Writes the staging area back to the device file, then removes the marker and the segment: the file is the
     * device's copy again. Not forced: at {@link Durability#PROCESS} bytes handed to the kernel are durable, as
     * every write of a device without resident memory is. If anything fails the marker stays, and so does the
     * memory's claim.
     */
    private void writeBack(final DeviceFile device, final long fileOffset) throws IOException
    {
        final ByteBuffer view = staging.duplicate();
        for (int position = 0; position < view.capacity(); position += COPY_CHUNK)
        {
            view.limit(Math.min(view.capacity(), position + COPY_CHUNK)).position(position);
            while (view.hasRemaining())
            {
                device.write(view, fileOffset + view.position());
            }
        }
        Files.delete(marker);
        DurableFiles.forceDirectory(marker.toAbsolutePath().getParent());
        Files.deleteIfExists(segment);
    }

    /**
     * @return this was the last device of this process open over the memory.
     */
    private boolean unregister()
    {
        synchronized (OPEN)
        {
            final Integer open = OPEN.get(segment);
            if (null != open && open > 1)
            {
                OPEN.put(segment, open - 1);
                return false;
            }
            OPEN.remove(segment);
            return true;
        }
    }

    private boolean namedByMarker()
    {
        try
        {
            final String[] fields = readMarker(marker);
            return segment.equals(Path.of(fields[0])) && token == Long.parseUnsignedLong(fields[1], 16);
        }
        catch (final IOException | RuntimeException ex)
        {
            return false;
        }
    }

    private void writeMarker(final long token) throws IOException
    {
        DurableFiles.replace(marker, ByteBuffer.wrap((segment + "\n" + Long.toHexString(token) + "\n")
            .getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Removes segments whose device file no longer exists: left by a device that was deleted, with its
     * directory, after its process died. Nothing can adopt them, since the marker went with the device.
     */
    private static void removeOrphans(final Path dir)
    {
        try (DirectoryStream<Path> segments = Files.newDirectoryStream(dir, SEGMENT_PREFIX + "*" + SEGMENT_SUFFIX))
        {
            for (final Path segment : segments)
            {
                final Path device = deviceOf(segment);
                if (null != device && !Files.exists(device))
                {
                    Files.deleteIfExists(segment);
                }
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            // another user's segments, or a race with their owner: leave them
        }
    }

    private static Path deviceOf(final Path segment) throws IOException
    {
        try (FileChannel channel = FileChannel.open(segment, READ))
        {
            final ByteBuffer header = readHeader(channel);
            if (header.remaining() < HEADER_LENGTH || MAGIC != header.getLong(MAGIC_OFFSET) ||
                header.getInt(CRC_OFFSET) != crc(header))
            {
                return null; // being created, or not a segment: not ours to judge
            }
            return Path.of(new String(header.array(), PATH_OFFSET, header.getInt(PATH_LENGTH_OFFSET),
                StandardCharsets.UTF_8));
        }
    }

    /**
     * @return the marker's two lines: the segment's path and the token, in hex.
     */
    private static String[] readMarker(final Path marker) throws IOException
    {
        final String[] fields = Files.readString(marker, StandardCharsets.UTF_8).trim().split("\n");
        if (2 != fields.length)
        {
            throw new IOException(marker + " has " + fields.length + " lines, not 2");
        }
        return new String[]{fields[0].trim(), fields[1].trim()};
    }

    /**
     * @return the segment's header, flipped: shorter than {@link #HEADER_LENGTH} if the file is.
     */
    private static ByteBuffer readHeader(final FileChannel channel) throws IOException
    {
        final ByteBuffer header = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        while (header.hasRemaining() && channel.read(header, header.position()) >= 0)
        {
            // to the end of the header or of the file
        }
        return header.flip();
    }

    private static String mismatch(final ByteBuffer header, final NvramContext ctx, final long token)
    {
        if (MAGIC != header.getLong(MAGIC_OFFSET) || header.getInt(CRC_OFFSET) != crc(header))
        {
            return "has no whole header";
        }
        if (VERSION != header.getInt(VERSION_OFFSET) || ctx.blockSize() != header.getInt(BLOCK_SIZE_OFFSET) ||
            ctx.capacity() != header.getLong(CAPACITY_OFFSET))
        {
            return "is of another version or geometry";
        }
        if (token != header.getLong(TOKEN_OFFSET))
        {
            return "belongs to another life of the device";
        }
        return null;
    }

    private static ByteBuffer header(final NvramContext ctx, final long token)
    {
        final byte[] path = ctx.file().toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8);
        if (PATH_OFFSET + path.length > HEADER_LENGTH)
        {
            throw new UncheckedIOException(new IOException("device path too long for the segment header"));
        }
        final ByteBuffer header = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        header.putLong(MAGIC_OFFSET, MAGIC).putInt(VERSION_OFFSET, VERSION).putInt(BLOCK_SIZE_OFFSET, ctx.blockSize())
            .putLong(CAPACITY_OFFSET, ctx.capacity()).putLong(TOKEN_OFFSET, token)
            .putInt(PATH_LENGTH_OFFSET, path.length).put(PATH_OFFSET, path);
        header.putInt(CRC_OFFSET, crc(header));
        return header;
    }

    private static int crc(final ByteBuffer header)
    {
        final CRC32C crc = new CRC32C();
        crc.update(header.array(), 0, CRC_OFFSET);
        crc.update(header.array(), PATH_OFFSET, Math.max(0, Math.min(HEADER_LENGTH - PATH_OFFSET,
            header.getInt(PATH_LENGTH_OFFSET))));
        return (int)crc.getValue();
    }

    private static ByteBuffer map(final FileChannel channel, final long capacity) throws IOException
    {
        final MappedByteBuffer whole = channel.map(FileChannel.MapMode.READ_WRITE, 0, HEADER_LENGTH + capacity);
        return whole.slice(HEADER_LENGTH, (int)capacity);
    }

    private static StagingFormatException lost(
        final Path file, final Path marker, final Path segment, final String problem)
    {
        return new StagingFormatException(file, "its contents were last in memory at " + segment + ", which " +
            problem + ": writes it completed since it was last closed may be lost, so it is not opened. Its " +
            "partner holds them if the pair was in sync. To accept the loss and start from the device file as " +
            "it was last closed, remove " + marker);
    }
}
