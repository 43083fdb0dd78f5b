package io.tandem.raid;

import io.tandem.staging.block.BlockDevice;
import io.tandem.staging.block.FileBlockDevice;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A pool's array, built from an {@link ArraySpec} over member files in the pool's directory: made on first use
 * (sparse files, headers at age 1), assembled from the files every time after. A member device is named by its
 * place: {@code disk-0.img}, {@code disk-1.img} for a flat array, {@code disk-0-1.img} for member 1 of the array in
 * slot 0 of an array of arrays, {@code spare-0.img} (or {@code spare-0-0.img}) for spares. Every member file is
 * opened behind a {@link FaultyBlockDevice}, so faults can be injected by name ({@link #device(String)}).
 * <p>
 * Not thread-safe: build on one thread; the array it gives is thread-safe.
 */
public final class PoolArrays
{
    private final Path dir;
    private final int blockSize;
    private final int chunkBlocks;
    private final long arrayId;
    private final ArrayListener listener;
    private final Map<String, FaultyBlockDevice> devices = new LinkedHashMap<>();
    private final Map<String, RaidArray> arrays = new LinkedHashMap<>();
    private final Map<String, Path> locations;
    private RaidArray top;

    private PoolArrays(
        final Path dir, final int blockSize, final int chunkBlocks, final long arrayId, final ArrayListener listener,
        final Map<String, Path> locations)
    {
        this.locations = Map.copyOf(locations);
        this.dir = dir;
        this.blockSize = blockSize;
        this.chunkBlocks = chunkBlocks;
        this.arrayId = arrayId;
        this.listener = listener;
    }

    /**
     * Opens (making it if no member file exists) the array {@code spec} of at least {@code blocks} blocks.
     *
     * @param arrayId   the top array's id; an array inside it takes this id with its place mixed in.
     * @param locations where members lie that are not in {@code dir}: a member's name ({@code disk-0.img}) to its
     *                  path, a file or a block device (whose first blocks are used).
     */
    public static PoolArrays open(
        final Path dir,
        final ArraySpec spec,
        final int blockSize,
        final int chunkBlocks,
        final long blocks,
        final long arrayId,
        final ArrayListener listener,
        final Map<String, Path> locations) throws IOException
    {
        if (spec.single())
        {
            throw new IllegalArgumentException("a single-file pool has no array");
        }
        final PoolArrays arrays = new PoolArrays(dir, blockSize, chunkBlocks, arrayId, listener, locations);
        arrays.top = arrays.open(spec, "", blocks);
        return arrays;
    }

    public RaidArray array()
    {
        return top;
    }

    /**
     * @return every array of the pool by its place: {@code ""} for the top one, {@code "0"} for the array in its
     *         slot 0, {@code "0-1"} for the one in slot 1 of that, ...; inner arrays first.
     */
    public Map<String, RaidArray> arrays()
    {
        return java.util.Collections.unmodifiableMap(arrays);
    }

    /**
     * @return the array at {@code place} and the slot a disk name such as {@code 2} or {@code 0-1} names in it,
     *         or null if there is no such disk.
     */
    public DiskRef disk(final String name)
    {
        final int dash = name.lastIndexOf('-');
        final String place = dash < 0 ? "" : name.substring(0, dash);
        final RaidArray array = arrays.get(place);
        final String slotText = name.substring(dash + 1);
        if (null == array || slotText.isEmpty() || !slotText.chars().allMatch(Character::isDigit) ||
            slotText.length() > 3)
        {
            return null;
        }
        final int slot = Integer.parseInt(slotText);
        return slot < array.geometry().width() ? new DiskRef(place, array, slot) : null;
    }

    /**
     * A member slot of one of the pool's arrays.
     */
    public record DiskRef(String place, RaidArray array, int slot)
    {
        public String name()
        {
            return place.isEmpty() ? Integer.toString(slot) : place + "-" + slot;
        }
    }

    /**
     * @return the member file named {@code name} (e.g. {@code disk-2.img}) behind its fault switches, or null.
     */
    public FaultyBlockDevice device(final String name)
    {
        return devices.get(name);
    }

    /**
     * @return every member file's name, in the order they were opened.
     */
    public List<String> deviceNames()
    {
        return List.copyOf(devices.keySet());
    }

    /**
     * @return where member file {@code name} lies.
     */
    public Path path(final String name)
    {
        return locations.getOrDefault(name, dir.resolve(name));
    }

    /**
     * Opens a member file for {@link RaidArray#add} or {@link RaidArray#replace}: an existing file of the right
     * size, or a new one.
     */
    public MemberDevice openMember(final Path file, final long memberBlocks) throws IOException
    {
        final FaultyBlockDevice device = new FaultyBlockDevice(FileBlockDevice.open(file, blockSize, memberBlocks,
            true));
        devices.put(file.getFileName().toString(), device);
        return new MemberDevice(file.toString(), device);
    }

    /**
     * Closes the array and every member device.
     */
    public void close() throws IOException
    {
        if (null != top)
        {
            top.close();
        }
    }

    private RaidArray open(final ArraySpec spec, final String place, final long blocks) throws IOException
    {
        final ArrayGeometry geometry = ArrayGeometry.forCapacity(spec.level(), spec.width(), blockSize, chunkBlocks,
            blocks);
        final List<String> memberNames = new ArrayList<>();
        final List<String> spareNames = new ArrayList<>();
        for (int i = 0; i < spec.width(); i++)
        {
            memberNames.add("disk" + place + "-" + i + ".img");
        }
        for (int i = 0; i < spec.spares(); i++)
        {
            spareNames.add("spare" + place + "-" + i + ".img");
        }
        final long id = arrayId ^ (place.hashCode() * 0x9E3779B97F4A7C15L);
        final List<MemberDevice> members = new ArrayList<>();
        if (!spec.children().isEmpty())
        {
            for (int i = 0; i < spec.width(); i++)
            {
                final RaidArray child = open(spec.children().get(i), place + "-" + i, geometry.memberBlocks());
                members.add(new MemberDevice("array" + place + "-" + i, child));
            }
        }
        final boolean fresh = spec.children().isEmpty() ?
            memberNames.stream().noneMatch(name -> isMember(path(name))) :
            isFresh(members);
        if (fresh)
        {
            if (spec.children().isEmpty())
            {
                for (final String name : memberNames)
                {
                    members.add(file(name, geometry.memberBlocks(), true));
                }
            }
            final List<MemberDevice> spares = new ArrayList<>();
            for (final String name : spareNames)
            {
                spares.add(file(name, geometry.memberBlocks(), true));
            }
            return register(place, ArrayAssembly.create(id, geometry, members, spares, listener));
        }
        if (spec.children().isEmpty())
        {
            for (final String name : memberNames)
            {
                if (Files.exists(path(name)))
                {
                    members.add(file(name, geometry.memberBlocks(), false));
                }
            }
        }
        for (final String name : spareNames)
        {
            if (Files.exists(path(name)))
            {
                members.add(file(name, geometry.memberBlocks(), false));
            }
        }
        return register(place, ArrayAssembly.assemble(members, listener));
    }

    private RaidArray register(final String place, final RaidArray array)
    {
        arrays.put(place.isEmpty() ? "" : place.substring(1), array);
        return array;
    }

    /**
     * @return true if the child arrays were all made just now: the array over them is new too.
     */
    private static boolean isFresh(final List<MemberDevice> children) throws IOException
    {
        final java.nio.ByteBuffer block = java.nio.ByteBuffer.allocate(children.get(0).device().blockSize());
        for (final MemberDevice child : children)
        {
            block.clear();
            child.device().read(0, block);
            if (block.getLong(0) != 0)
            {
                return false;
            }
        }
        return true;
    }

    /**
     * @return true if {@code path} may hold a member already: a file that exists, or a block device whose first
     *         block carries a member header.
     */
    private boolean isMember(final Path path)
    {
        if (!Files.exists(path))
        {
            return false;
        }
        if (Files.isRegularFile(path))
        {
            return true;
        }
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(path))
        {
            final java.nio.ByteBuffer first = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            channel.read(first, 0);
            return first.getLong(0) == MemberHeader.MAGIC;
        }
        catch (final IOException ex)
        {
            return true; // unreadable: let assembly say what is wrong with it
        }
    }

    private MemberDevice file(final String name, final long memberBlocks, final boolean create) throws IOException
    {
        final Path file = path(name);
        final BlockDevice raw = FileBlockDevice.open(file, blockSize, memberBlocks, create);
        final FaultyBlockDevice device = new FaultyBlockDevice(raw);
        devices.put(name, device);
        return new MemberDevice(file.toString(), device);
    }
}
