package io.tandem.raid;

import io.tandem.staging.block.BlockDevice;
import io.tandem.staging.block.FileBlockDevice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WriteIntentBitmapTest
{
    private static final int STRIPES = 64; // 4 regions of 16 stripes

    @TempDir
    Path dir;

    @Test
    void aPulledMemberPutBackIsResyncedOnlyInTheRegionsWrittenWhileItWasAway() throws IOException
    {
        final TestArrays t = new TestArrays(dir, RaidLevel.RAID5, 4, STRIPES, 1);
        try (RaidArray array = t.create(0))
        {
            assertEquals(16, t.geometry.regionStripes());
            t.write(array, 0, (int)array.blockCount());
            array.settled();
            array.settled(); // regions written before the first settle are clean after the second
            assertEquals(0, array.dirtyRegions());
            array.pull(1);
            final long regionBlocks = 16 * t.geometry.stripeDataBlocks();
            t.write(array, 2 * regionBlocks + 5, 40); // inside region 2 only
            array.settled();
            array.settled();
            assertEquals(1, array.dirtyRegions(), "never cleared while a member is away");

            final Path file = dir.resolve("disk-1.img");
            final BlockDevice back = FileBlockDevice.open(file, TestArrays.BLOCK, t.geometry.memberBlocks(), false);
            assertEquals(1, array.add(file.toString(), back));
            assertTrue(array.members()[1].dirtyRegionsOnly());
            t.verify(array);
            TestArrays.rebuildAll(array);
            assertEquals(16, array.rebuiltStripes(), "one region moved");
            assertEquals(48, array.skippedStripes());
            assertFalse(array.degraded());
            t.devices.get(0).dead(true); // the resynced member now carries its share
            t.verify(array);
        }
    }

    @Test
    void aMemberThatMissedWritesIsResyncedByTheBitmapAtAssemblyToo() throws IOException
    {
        final TestArrays t = new TestArrays(dir, RaidLevel.RAID6, 5, STRIPES, 2);
        try (RaidArray array = t.create(0))
        {
            t.write(array, 0, (int)array.blockCount());
            array.settled();
            array.settled();
            array.pull(3);
            t.write(array, 3 * 16 * t.geometry.stripeDataBlocks(), 7); // region 3
            t.write(array, 0, 1); // region 0
        }
        try (RaidArray array = ArrayAssembly.assemble(ArrayAssemblyTest.reopen(t, "disk-0", "disk-1", "disk-2",
            "disk-3", "disk-4"), ArrayListener.NONE))
        {
            assertEquals(MemberState.REBUILDING, array.members()[3].state());
            assertEquals(2, array.dirtyRegions());
            TestArrays.rebuildAll(array);
            assertEquals(32, array.rebuiltStripes());
            t.verify(array);
        }
    }

    @Test
    void afterACrashOnlyTheDirtyRegionsAreResyncedAndTheirParityAgreesAgain() throws IOException
    {
        final TestArrays t = new TestArrays(dir, RaidLevel.RAID5, 3, STRIPES, 3);
        final long stripe = 20; // region 1
        try (RaidArray array = t.create(0))
        {
            t.write(array, 0, (int)array.blockCount());
            array.settled();
            array.settled();
            t.write(array, stripe * t.geometry.stripeDataBlocks(), 1);
            // the owner dies here; a torn update: one data chunk on disk changed behind the parity's back
            final int slot = t.geometry.dataMember(stripe, 1);
            final byte[] torn = new byte[TestArrays.BLOCK];
            t.random.nextBytes(torn);
            t.devices.get(slot).device().write(t.geometry.memberBlock(stripe, 0), ByteBuffer.wrap(torn));
        }
        assertThrows(AssertionError.class,
            () -> TestArrays.verifyParity(t.geometry, ArrayAssemblyTest.reopenRaw(t, "disk-0", "disk-1", "disk-2")));
        try (RaidArray array = ArrayAssembly.assemble(
            ArrayAssemblyTest.reopen(t, "disk-0", "disk-1", "disk-2"), ArrayListener.NONE))
        {
            assertEquals(1, array.dirtyRegions());
            assertEquals(16, array.resyncDirtyRegions());
            assertEquals(0, array.dirtyRegions());
        }
        TestArrays.verifyParity(t.geometry, ArrayAssemblyTest.reopenRaw(t, "disk-0", "disk-1", "disk-2"));
    }
}
