package io.tandem.raid;

import io.tandem.staging.block.FileBlockDevice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ArrayAssemblyTest
{
    @TempDir
    Path dir;

    @Test
    void anArrayAssemblesFromItsMembersInAnyOrderWithItsData() throws IOException
    {
        final TestArrays t = new TestArrays(dir, RaidLevel.RAID6, 5, 16, 1);
        final long age;
        try (RaidArray array = t.create(1))
        {
            t.writeMix(array, 80);
            age = array.age();
        }
        final List<MemberDevice> devices = reopen(t, "disk-0", "disk-1", "disk-2", "disk-3", "disk-4", "spare-0");
        Collections.shuffle(devices, t.random);
        try (RaidArray array = ArrayAssembly.assemble(devices, ArrayListener.NONE))
        {
            assertFalse(array.degraded());
            assertEquals(1, array.spares().size());
            assertEquals(age + 1, array.age());
            assertEquals(t.geometry.toString(), array.geometry().toString());
            t.verify(array);
        }
    }

    @Test
    void aMemberOfAnotherArrayOrNoMemberAtAllIsRefusedByNameAndNothingIsWritten() throws IOException
    {
        final Path a = Files.createDirectories(dir.resolve("a"));
        final Path b = Files.createDirectories(dir.resolve("b"));
        final TestArrays first = new TestArrays(a, RaidLevel.RAID5, 3, 8, 1);
        first.create(0).close();
        final TestArrays second = new TestArrays(b, RaidLevel.RAID5, 3, 8, 2);
        final List<MemberDevice> others = new ArrayList<>();
        for (int i = 0; i < 3; i++)
        {
            others.add(second.open("disk-" + i));
        }
        try (RaidArray other = ArrayAssembly.create(0xbbbL, second.geometry, others, List.of(), ArrayListener.NONE))
        {
            other.write(0, java.nio.ByteBuffer.allocate(TestArrays.BLOCK));
        }
        final byte[] before = Files.readAllBytes(a.resolve("disk-0.img"));
        final List<MemberDevice> mixed = reopen(first, "disk-0", "disk-1");
        mixed.add(reopen(second, "disk-2").get(0));
        final ArrayAssemblyException foreign = assertThrows(ArrayAssemblyException.class,
            () -> ArrayAssembly.assemble(mixed, ArrayListener.NONE));
        assertTrue(foreign.getMessage().contains(b.resolve("disk-2.img").toString()), foreign.getMessage());
        assertTrue(foreign.getMessage().contains("bbb"), foreign.getMessage());
        closeAll(mixed);
        assertArrayEquals(before, Files.readAllBytes(a.resolve("disk-0.img")));

        final List<MemberDevice> blank = reopen(first, "disk-0", "disk-1");
        blank.add(first.open("blank"));
        final ArrayAssemblyException notMember = assertThrows(ArrayAssemblyException.class,
            () -> ArrayAssembly.assemble(blank, ArrayListener.NONE));
        assertTrue(notMember.getMessage().contains("blank.img: not a tandem array member"), notMember.getMessage());
        closeAll(blank);
    }

    @Test
    void aPulledMemberThatComesBackIsKnownStaleByItsAgeAndRebuilt() throws IOException
    {
        final TestArrays t = new TestArrays(dir, RaidLevel.RAID5, 4, 16, 3);
        try (RaidArray array = t.create(0))
        {
            t.writeMix(array, 50);
            array.pull(2);
            assertEquals(MemberState.MISSING, array.members()[2].state());
            t.writeMix(array, 50); // written while it was away
            t.verify(array);
        }
        // without it the array assembles degraded and reads every block
        try (RaidArray array = ArrayAssembly.assemble(reopen(t, "disk-0", "disk-1", "disk-3"), ArrayListener.NONE))
        {
            assertEquals(MemberState.MISSING, array.members()[2].state());
            t.verify(array);
        }
        // with it back, its lower age gives it away: rebuilt, not trusted
        try (RaidArray array = ArrayAssembly.assemble(
            reopen(t, "disk-0", "disk-1", "disk-2", "disk-3"), ArrayListener.NONE))
        {
            assertEquals(MemberState.REBUILDING, array.members()[2].state());
            assertTrue(array.members()[2].reason().startsWith("stale"), array.members()[2].reason());
            t.verify(array);
            TestArrays.rebuildAll(array);
            assertFalse(array.degraded());
        }
        TestArrays.verifyParity(t.geometry, reopenRaw(t, "disk-0", "disk-1", "disk-2", "disk-3"));
    }

    @Test
    void aRebuildResumesFromItsSavedPositionAfterACrash() throws IOException
    {
        final TestArrays t = new TestArrays(dir, RaidLevel.RAID5, 3, 200, 4);
        try (RaidArray array = t.create(1))
        {
            t.writeMix(array, 100);
            array.fail(0, "failed by command");
            assertEquals(0, array.rebuildingSlot());
            array.rebuildStep(150); // the position is saved every 64 stripes
            // a crash: the process goes without closing anything cleanly
        }
        try (RaidArray array = ArrayAssembly.assemble(
            reopen(t, "disk-0", "disk-1", "disk-2", "spare-0"), ArrayListener.NONE))
        {
            final Member rebuilding = array.members()[0];
            assertEquals(MemberState.REBUILDING, rebuilding.state());
            assertTrue(rebuilding.name().endsWith("spare-0.img"), rebuilding.name());
            assertEquals(128, rebuilding.rebuildPosition(), "resumes from the last saved position");
            t.verify(array);
            TestArrays.rebuildAll(array);
            assertFalse(array.degraded());
            assertEquals(200 - 128, array.rebuiltStripes());
        }
    }

    @Test
    void tooFewMembersToReadEveryStripeIsRefused() throws IOException
    {
        final TestArrays t = new TestArrays(dir, RaidLevel.RAID5, 4, 8, 5);
        t.create(0).close();
        final List<MemberDevice> two = reopen(t, "disk-0", "disk-3");
        final ArrayAssemblyException error = assertThrows(ArrayAssemblyException.class,
            () -> ArrayAssembly.assemble(two, ArrayListener.NONE));
        assertTrue(error.getMessage().contains("only 2 of 4 members"), error.getMessage());
        closeAll(two);
    }

    static List<MemberDevice> reopen(final TestArrays t, final String... names) throws IOException
    {
        final List<MemberDevice> devices = new ArrayList<>();
        for (final String name : names)
        {
            final Path file = t.dir.resolve(name + ".img");
            devices.add(new MemberDevice(file.toString(),
                FileBlockDevice.open(file, TestArrays.BLOCK, t.geometry.memberBlocks(), false)));
        }
        return devices;
    }

    static List<FaultyBlockDevice> reopenRaw(final TestArrays t, final String... names) throws IOException
    {
        final List<FaultyBlockDevice> devices = new ArrayList<>();
        for (final MemberDevice device : reopen(t, names))
        {
            devices.add(new FaultyBlockDevice(device.device()));
        }
        return devices;
    }

    private static void closeAll(final List<MemberDevice> devices) throws IOException
    {
        for (final MemberDevice device : devices)
        {
            device.device().close();
        }
    }
}
