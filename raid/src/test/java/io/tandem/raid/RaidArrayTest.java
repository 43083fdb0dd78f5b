package io.tandem.raid;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RaidArrayTest
{
    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({"RAID0, 3", "RAID1, 2", "RAID1, 3", "RAID5, 3", "RAID5, 5", "RAID6, 4", "RAID6, 6"})
    void everyLevelReadsBackWhatWasWrittenAndKeepsItsParity(final RaidLevel level, final int width)
        throws IOException
    {
        final TestArrays t = new TestArrays(dir, level, width, 24, width);
        try (RaidArray array = t.create(0))
        {
            t.writeMix(array, 200);
            t.verify(array);
            TestArrays.verifyParity(t.geometry, t.devices);
            assertFalse(array.degraded());
        }
    }

    @ParameterizedTest
    @CsvSource({"RAID1, 3, 2", "RAID5, 4, 1", "RAID6, 5, 2", "RAID6, 4, 2"})
    void membersFailingUnderAWorkloadCostNoClientAnErrorWhileRedundancyIsLeft(
        final RaidLevel level, final int width, final int failures) throws IOException
    {
        final TestArrays t = new TestArrays(dir, level, width, 24, 11L * width + failures);
        try (RaidArray array = t.create(0))
        {
            t.writeMix(array, 60);
            for (int f = 0; f < failures; f++)
            {
                t.devices.get(f * 2 % width).dead(true); // found out by the next I/O that touches it
                t.writeMix(array, 60);
                t.verify(array);
            }
            assertEquals(failures, array.lostMembers());
            assertTrue(array.degraded());
            assertFalse(array.failed());
            assertEquals(ArrayState.DEGRADED, array.state());
            assertTrue(array.degradedReads() > 0 || level == RaidLevel.RAID1);
            assertEquals(MemberState.FAILED, array.members()[0].state());
            assertTrue(array.members()[0].reason().contains("injected"), array.members()[0].reason());
        }
    }

    @Test
    void oneMemberMoreThanTheLevelAllowsFailsTheIoAndSaysWhy() throws IOException
    {
        final TestArrays t = new TestArrays(dir, RaidLevel.RAID5, 4, 8, 3);
        try (RaidArray array = t.create(0))
        {
            t.writeMix(array, 20);
            t.devices.get(1).dead(true);
            t.devices.get(2).dead(true);
            final IOException error = assertThrows(IOException.class, () -> t.verify(array));
            assertTrue(error.getMessage().contains("members lost"), error.getMessage());
            assertTrue(array.failed());
            assertEquals(ArrayState.FAILED, array.state());
        }
    }

    @Test
    void aBadBlockRangeFailsTheMemberAndReadsAreRebuiltFromParity() throws IOException
    {
        final TestArrays t = new TestArrays(dir, RaidLevel.RAID5, 3, 16, 5);
        try (RaidArray array = t.create(0))
        {
            t.writeMix(array, 80);
            t.devices.get(2).badBlocks(t.geometry.memberBlock(5, 0), t.geometry.memberBlock(6, 0));
            t.verify(array);
            assertEquals(MemberState.FAILED, array.members()[2].state());
            assertTrue(t.devices.get(2).injectedErrors() > 0);
        }
    }

    @ParameterizedTest
    @CsvSource({"RAID1, 2", "RAID5, 4", "RAID6, 5"})
    void aSpareTakesTheFailedSlotAndIsRebuiltWhileWritesGoOn(final RaidLevel level, final int width)
        throws IOException
    {
        final TestArrays t = new TestArrays(dir, level, width, 32, 77);
        try (RaidArray array = t.create(1))
        {
            t.writeMix(array, 100);
            t.devices.get(1).dead(true);
            t.writeMix(array, 10);
            assertEquals(1, array.rebuildingSlot());
            assertEquals(ArrayState.REBUILDING, array.state());
            assertTrue(array.spares().isEmpty());
            assertEquals(1, array.retired().size());
            // rebuild a few stripes, write across the whole array (above and below the position), then finish
            array.rebuildStep(5);
            assertEquals(5, array.members()[1].rebuildPosition());
            t.writeMix(array, 50);
            TestArrays.rebuildAll(array);
            assertEquals(MemberState.ACTIVE, array.members()[1].state());
            assertFalse(array.degraded());
            assertEquals(ArrayState.HEALTHY, array.state());
            t.verify(array);
            final List<FaultyBlockDevice> now = new ArrayList<>(t.devices);
            now.set(1, t.spareDevices.get(0));
            TestArrays.verifyParity(t.geometry, now);
            // the rebuilt member carries its share: lose another and every block still reads back
            t.devices.get(0).dead(true);
            t.verify(array);
        }
    }

    @Test
    void arraysCompose_RAID10IsARaid0OverRaid1Pairs() throws IOException
    {
        final int pairs = 2;
        final int stripes = 16;
        final List<MemberDevice> mirrors = new ArrayList<>();
        final List<TestArrays> inner = new ArrayList<>();
        final ArrayGeometry outer = new ArrayGeometry(RaidLevel.RAID0, pairs, TestArrays.BLOCK, TestArrays.CHUNK,
            (long)stripes * TestArrays.CHUNK);
        for (int p = 0; p < pairs; p++)
        {
            final Path pairDir = dir.resolve("pair-" + p);
            java.nio.file.Files.createDirectories(pairDir);
            // each mirror is big enough to be a member of the outer array, header included
            final TestArrays t = new TestArrays(pairDir, RaidLevel.RAID1, 2,
                (int)(outer.memberBlocks() / TestArrays.CHUNK), p);
            inner.add(t);
            mirrors.add(new MemberDevice("mirror-" + p, t.create(0)));
        }
        final TestArrays model = new TestArrays(dir, RaidLevel.RAID0, pairs, stripes, 99);
        try (RaidArray raid10 = ArrayAssembly.create(0x10L, outer, mirrors, List.of(), ArrayListener.NONE))
        {
            model.writeMix(raid10, 100);
            inner.get(0).devices.get(0).dead(true);
            inner.get(1).devices.get(1).dead(true);
            model.writeMix(raid10, 50);
            model.verify(raid10);
            assertFalse(raid10.degraded()); // each mirror lost a copy, the stripe set lost nothing
            assertTrue(((RaidArray)mirrors.get(0).device()).degraded());
        }
    }

    @Test
    void aFullStripeWriteReadsNothingWhileAPartialOneReadsTheRestOfItsStripe() throws IOException
    {
        final TestArrays t = new TestArrays(dir, RaidLevel.RAID5, 4, 8, 1);
        try (RaidArray array = t.create(0))
        {
            t.writeMix(array, 10);
            t.devices.forEach(d -> d.readsFail(true));
            t.write(array, t.geometry.stripeDataBlocks() * 2, (int)t.geometry.stripeDataBlocks());
            assertFalse(array.degraded());
            assertThrows(IOException.class, () -> t.write(array, t.geometry.stripeDataBlocks() * 3, 1));
            assertTrue(array.failed()); // the partial write had to read the other chunks of its rows
        }
    }

    @ParameterizedTest
    @CsvSource({"RAID1, 2", "RAID5, 4", "RAID6, 5"})
    void aScrubFindsAMemberThatLostWritesAndRepairsTheStripes(final RaidLevel level, final int width)
        throws IOException
    {
        final TestArrays t = new TestArrays(dir, level, width, 16, 8);
        try (RaidArray array = t.create(0))
        {
            t.writeMix(array, 40);
            // the member holding parity (or the second copy) of stripe 3 acknowledges writes and keeps old data
            final int slot = level == RaidLevel.RAID1 ? 1 : t.geometry.parityMember(3);
            t.devices.get(slot).losesWrites(true);
            t.write(array, 3 * t.geometry.stripeDataBlocks(), 1);
            t.devices.get(slot).losesWrites(false);
            array.startScrub();
            int guard = 0;
            while (array.scrubbing())
            {
                array.scrubStep(3);
                assertTrue(++guard < 1000);
            }
            assertEquals(1, array.scrubMismatches());
            assertEquals(t.geometry.stripeCount(), array.scrubPosition());
            t.verify(array);
            TestArrays.verifyParity(t.geometry, t.devices);
        }
    }
}
