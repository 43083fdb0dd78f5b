package io.tandem.raid;

import io.tandem.staging.block.FileBlockDevice;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Arrays over real member files, a model of what the array must read back, and checks of every stripe's parity
 * read from the member files themselves.
 */
final class TestArrays
{
    static final int BLOCK = 4096;
    static final int CHUNK = 4;

    final Path dir;
    final ArrayGeometry geometry;
    final List<FaultyBlockDevice> devices = new ArrayList<>();
    final List<FaultyBlockDevice> spareDevices = new ArrayList<>();
    final byte[] model;
    final Random random;

    TestArrays(final Path dir, final RaidLevel level, final int width, final int stripes, final long seed)
    {
        this.dir = dir;
        this.geometry = new ArrayGeometry(level, width, BLOCK, CHUNK, (long)stripes * CHUNK);
        this.model = new byte[(int)(geometry.capacityBlocks() * BLOCK)];
        this.random = new Random(seed);
    }

    RaidArray create(final int spares) throws IOException
    {
        final List<MemberDevice> members = new ArrayList<>();
        for (int i = 0; i < geometry.width(); i++)
        {
            members.add(open("disk-" + i));
            devices.add((FaultyBlockDevice)members.get(i).device());
        }
        final List<MemberDevice> spareMembers = new ArrayList<>();
        for (int i = 0; i < spares; i++)
        {
            spareMembers.add(open("spare-" + i));
            spareDevices.add((FaultyBlockDevice)spareMembers.get(i).device());
        }
        return ArrayAssembly.create(0x7a11L, geometry, members, spareMembers, ArrayListener.NONE);
    }

    MemberDevice open(final String name) throws IOException
    {
        final Path file = dir.resolve(name + ".img");
        return new MemberDevice(file.toString(),
            new FaultyBlockDevice(FileBlockDevice.open(file, BLOCK, geometry.memberBlocks(), true)));
    }

    /**
     * Writes {@code blocks} random blocks at {@code block} through the array and into the model.
     */
    void write(final RaidArray array, final long block, final int blocks) throws IOException
    {
        final byte[] bytes = new byte[blocks * BLOCK];
        random.nextBytes(bytes);
        array.write(block, ByteBuffer.wrap(bytes));
        System.arraycopy(bytes, 0, model, (int)(block * BLOCK), bytes.length);
    }

    /**
     * A mix of writes: single blocks, partial chunks, chunks crossing a chunk boundary, whole stripes.
     */
    void writeMix(final RaidArray array, final int writes) throws IOException
    {
        final long capacity = array.blockCount();
        for (int i = 0; i < writes; i++)
        {
            final int blocks = switch (random.nextInt(4))
            {
                case 0 -> 1;
                case 1 -> 1 + random.nextInt(CHUNK);
                case 2 -> (int)Math.min(capacity, geometry.stripeDataBlocks());
                default -> 1 + random.nextInt((int)Math.min(capacity, 3 * geometry.stripeDataBlocks()));
            };
            final long block = blocks == geometry.stripeDataBlocks() && random.nextBoolean() ?
                random.nextInt((int)(capacity / blocks)) * (long)blocks : random.nextInt((int)(capacity - blocks + 1));
            write(array, block, blocks);
        }
    }

    void verify(final RaidArray array) throws IOException
    {
        final byte[] read = new byte[model.length];
        final ByteBuffer buffer = ByteBuffer.wrap(read);
        // in pieces of assorted sizes, so reads cross chunks and stripes
        long block = 0;
        while (block < array.blockCount())
        {
            final int blocks = (int)Math.min(array.blockCount() - block, 1 + random.nextInt(3 * CHUNK));
            buffer.limit((int)((block + blocks) * BLOCK)).position((int)(block * BLOCK));
            array.read(block, buffer);
            block += blocks;
        }
        for (int b = 0; b < array.blockCount(); b++)
        {
            final int at = b * BLOCK;
            if (!Arrays.equals(model, at, at + BLOCK, read, at, at + BLOCK))
            {
                assertArrayEquals(Arrays.copyOfRange(model, at, at + BLOCK), Arrays.copyOfRange(read, at, at + BLOCK),
                    "block " + b + " of " + array);
            }
        }
    }

    /**
     * Checks P (and Q) of every stripe against the data, as read from the member files themselves.
     */
    static void verifyParity(final ArrayGeometry geometry, final List<FaultyBlockDevice> members) throws IOException
    {
        if (geometry.level().parityMembers() == 0)
        {
            return;
        }
        final int length = geometry.chunkBytes();
        final byte[][] columns = new byte[geometry.width()][length];
        final byte[][] data = new byte[geometry.dataMembers()][];
        final byte[] p = new byte[length];
        final byte[] q = new byte[length];
        for (long stripe = 0; stripe < geometry.stripeCount(); stripe++)
        {
            for (int m = 0; m < geometry.width(); m++)
            {
                members.get(m).device().read(geometry.memberBlock(stripe, 0), ByteBuffer.wrap(columns[m]));
            }
            for (int i = 0; i < data.length; i++)
            {
                data[i] = columns[geometry.dataMember(stripe, i)];
            }
            Parity.syndromes(data, data.length, 0, length, p, geometry.level() == RaidLevel.RAID6 ? q : null);
            assertArrayEquals(p, columns[geometry.parityMember(stripe)], "P of stripe " + stripe);
            if (geometry.level() == RaidLevel.RAID6)
            {
                assertArrayEquals(q, columns[geometry.qMember(stripe)], "Q of stripe " + stripe);
            }
        }
    }

    static void rebuildAll(final RaidArray array) throws IOException
    {
        int guard = 0;
        while (array.rebuildingSlot() >= 0)
        {
            array.rebuildStep(16);
            assertEquals(true, ++guard < 100_000, "rebuild does not finish");
        }
    }
}
