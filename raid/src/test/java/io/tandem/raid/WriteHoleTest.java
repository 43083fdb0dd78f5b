package io.tandem.raid;

import io.tandem.staging.block.BlockDevice;
import io.tandem.staging.block.FileBlockDevice;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Power cut after every write a partial-stripe update makes (data, parity, journal, headers), then assembly and the
 * NVLog's replay of the update (the same blocks written again): every block must read back as the model has it,
 * including the blocks of a lost member that no client wrote, and parity must agree with the data.
 */
class WriteHoleTest
{
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} of {1}, {2} members lost")
    @CsvSource({"RAID5, 4, 0", "RAID5, 4, 1", "RAID6, 5, 0", "RAID6, 5, 1", "RAID6, 5, 2"})
    void aCrashAtEveryStepOfAStripeUpdateThenReplayLeavesDataAndParityConsistent(
        final RaidLevel level, final int width, final int lostMembers) throws IOException
    {
        final TestArrays t = new TestArrays(dir, level, width, 8, 17L * width + lostMembers);
        final long stripe = 2;
        final List<Integer> lostSlots = new ArrayList<>();
        try (RaidArray array = t.create(0))
        {
            t.writeMix(array, 60);
            // lose the members of the stripe's last data chunks: chunks the update below does not touch
            for (int k = 0; k < lostMembers; k++)
            {
                final int slot = t.geometry.dataMember(stripe, t.geometry.dataMembers() - 1 - k);
                lostSlots.add(slot);
                array.fail(slot, "failed for the test");
            }
            t.verify(array);
        }
        final List<byte[]> baseline = new ArrayList<>();
        for (int i = 0; i < width; i++)
        {
            baseline.add(Files.readAllBytes(file(i)));
        }
        // the update: two blocks, rows 1 and 2 of the stripe's first data chunk
        final long block = stripe * t.geometry.stripeDataBlocks() + 1;
        final byte[] update = new byte[2 * TestArrays.BLOCK];
        t.random.nextBytes(update);
        System.arraycopy(update, 0, t.model, (int)(block * TestArrays.BLOCK), update.length);

        int cutAfter = 0;
        while (true)
        {
            for (int i = 0; i < width; i++)
            {
                Files.write(file(i), baseline.get(i));
            }
            final AtomicLong budget = new AtomicLong(Long.MAX_VALUE);
            final RaidArray crashing = ArrayAssembly.assemble(devices(t, budget), ArrayListener.NONE);
            budget.set(cutAfter);
            crashing.write(block, ByteBuffer.wrap(update));
            final boolean cut = budget.get() < 0;
            crashing.close(); // the power is gone: nothing after the cut reached a disk

            try (RaidArray array = ArrayAssembly.assemble(devices(t, new AtomicLong(Long.MAX_VALUE)),
                ArrayListener.NONE))
            {
                assertEquals(lostMembers, array.lostMembers());
                array.write(block, ByteBuffer.wrap(update)); // the NVLog's replay
                t.verify(array);
                if (lostMembers == 0)
                {
                    TestArrays.verifyParity(t.geometry, raw(t));
                }
                else
                {
                    assertTrue(array.journalled() > 0);
                    // and the parity agrees: rebuild the lost members onto fresh disks and check it whole
                    for (final int slot : lostSlots)
                    {
                        final Path fresh = dir.resolve("fresh-" + slot + "-" + cutAfter + ".img");
                        array.replace(slot, fresh.toString(),
                            FileBlockDevice.open(fresh, TestArrays.BLOCK, t.geometry.memberBlocks(), true));
                    }
                    TestArrays.rebuildAll(array);
                    t.verify(array);
                }
            }
            if (!cut)
            {
                break; // the update finished before the cut: every point of it has been tried
            }
            cutAfter++;
        }
        assertTrue(cutAfter >= 2, "an update writes data and parity (and the journal) separately: " + cutAfter);
    }

    private Path file(final int slot)
    {
        return dir.resolve("disk-" + slot + ".img");
    }

    private List<MemberDevice> devices(final TestArrays t, final AtomicLong budget) throws IOException
    {
        final List<MemberDevice> devices = new ArrayList<>();
        for (int i = 0; i < t.geometry.width(); i++)
        {
            final Path file = file(i);
            devices.add(new MemberDevice(file.toString(),
                new PowerCut(FileBlockDevice.open(file, TestArrays.BLOCK, t.geometry.memberBlocks(), false), budget)));
        }
        return devices;
    }

    private List<FaultyBlockDevice> raw(final TestArrays t) throws IOException
    {
        final List<FaultyBlockDevice> devices = new ArrayList<>();
        for (int i = 0; i < t.geometry.width(); i++)
        {
            devices.add(new FaultyBlockDevice(
                FileBlockDevice.open(file(i), TestArrays.BLOCK, t.geometry.memberBlocks(), false)));
        }
        return devices;
    }

    /**
     * Every member's writes draw on one budget: when it is spent, the power is cut for all of them at once.
     */
    private record PowerCut(BlockDevice device, AtomicLong budget) implements BlockDevice
    {
        public int blockSize()
        {
            return device.blockSize();
        }

        public long blockCount()
        {
            return device.blockCount();
        }

        public void read(final long blockIndex, final ByteBuffer dst) throws IOException
        {
            device.read(blockIndex, dst);
        }

        public void write(final long blockIndex, final ByteBuffer src) throws IOException
        {
            if (budget.getAndDecrement() <= 0)
            {
                src.position(src.limit());
                return;
            }
            device.write(blockIndex, src);
        }

        public void flush() throws IOException
        {
            device.flush();
        }

        public void close() throws IOException
        {
            device.close();
        }
    }
}
