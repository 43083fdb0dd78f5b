package io.tandem.staging;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The staging area kept in named shared memory ({@link ResidentMemory}): a write is durable once copied in, a
 * device reopened after its process died finds its writes there, and a device whose memory is gone refuses to
 * open rather than serve the stale file.
 * <p>
 * A device left unclosed, with {@link ResidentMemory#forgetOpenDevices()}, stands for a process killed with kill -9:
 * its memory is a file, so another open sees exactly what a restarted process would.
 */
class ResidentMemoryTest
{
    private static final int CAPACITY = 64 * 1024;
    private static final int BLOCK = 512;
    private static final byte[] BYTES = "an acknowledged write".getBytes(StandardCharsets.US_ASCII);
    private static final int ADDRESS = 5000;

    @TempDir
    Path dir;

    private NvramContext device(final Path file, final Path residentDir)
    {
        return new NvramContext().file(file).capacity(CAPACITY).blockSize(BLOCK).regionSize(4096)
            .useAgentInvoker(true).residentDir(residentDir);
    }

    private NvramContext resident()
    {
        return device(dir.resolve("nvram.dev"), dir.resolve("shm"));
    }

    /**
     * A device left open, its process then gone: its memory is all that remains of it.
     */
    private static NvramDevice died(final NvramContext ctx) throws IOException
    {
        final NvramDevice device = openAndWrite(ctx);
        ResidentMemory.forgetOpenDevices();
        return device;
    }

    private static NvramDevice openAndWrite(final NvramContext ctx) throws IOException
    {
        final NvramDevice device = NvramDevice.open(ctx);
        device.awaitCompletion(device.write(ADDRESS, new UnsafeBuffer(BYTES), 0, BYTES.length));
        return device;
    }

    @Test
    void aWriteIsCompleteOnceCopiedInAndTheFileIsBroughtUpToDateWhenTheDeviceCloses() throws IOException
    {
        final Path segment;
        try (NvramDevice device = openAndWrite(resident()))
        {
            segment = device.residentSegment();
            assertNotNull(segment, device.residentRefusal());
            assertTrue(Files.exists(segment));
            assertTrue(Files.exists(ResidentMemory.markerOf(device.file())));
            assertEquals(0, device.forces());
            assertArrayEquals(new byte[BYTES.length], onFile(), "no pwrite while the memory holds the device");
        }
        assertArrayEquals(BYTES, onFile());
        assertFalse(Files.exists(segment));
        assertFalse(Files.exists(ResidentMemory.markerOf(dir.resolve("nvram.dev"))));
    }

    @Test
    void aDeviceWhoseProcessDiedReopensWithItsWritesFromMemory() throws IOException
    {
        final NvramDevice died = died(resident());
        try (NvramDevice device = NvramDevice.open(resident()))
        {
            assertEquals(died.residentSegment(), device.residentSegment());
            assertArrayEquals(BYTES, read(device));
            assertArrayEquals(new byte[BYTES.length], onFile());
        }
        assertArrayEquals(BYTES, onFile());
    }

    @Test
    void aDeviceWhoseMemoryIsGoneRefusesToOpenAndChangesNothingUntilTheLossIsAccepted() throws IOException
    {
        final NvramDevice died = died(resident());
        Files.delete(died.residentSegment()); // the machine restarted
        final Path marker = ResidentMemory.markerOf(died.file());

        final StagingFormatException refused =
            assertThrows(StagingFormatException.class, () -> NvramDevice.open(resident()));
        assertTrue(refused.getMessage().contains("may be lost"), refused.getMessage());
        assertTrue(refused.getMessage().contains("remove " + marker), refused.getMessage());
        assertTrue(Files.exists(marker));
        assertArrayEquals(new byte[BYTES.length], onFile());

        Files.delete(marker); // the operator accepts the loss
        try (NvramDevice device = NvramDevice.open(resident()))
        {
            assertArrayEquals(new byte[BYTES.length], read(device));
        }
    }

    @Test
    void memoryOfAnotherLifeOfTheDeviceIsRefused() throws IOException
    {
        final NvramDevice died = died(resident());
        final Path marker = ResidentMemory.markerOf(died.file());
        final String[] fields = Files.readString(marker).split("\n");
        Files.writeString(marker, fields[0] + "\n" + Long.toHexString(Long.parseUnsignedLong(fields[1], 16) + 2));

        final StagingFormatException refused =
            assertThrows(StagingFormatException.class, () -> NvramDevice.open(resident()));
        assertTrue(refused.getMessage().contains("another life"), refused.getMessage());
    }

    @Test
    void aDeviceOpenedWithoutResidentMemoryTakesItsContentsBackFromTheMemoryFirst() throws IOException
    {
        final NvramDevice died = died(resident());
        try (NvramDevice device = NvramDevice.open(device(dir.resolve("nvram.dev"), null)))
        {
            assertNull(device.residentSegment());
            assertArrayEquals(BYTES, read(device));
            assertArrayEquals(BYTES, onFile(), "written back before anything else");
            assertFalse(Files.exists(died.residentSegment()));
            assertFalse(Files.exists(ResidentMemory.markerOf(died.file())));
        }
    }

    @Test
    void anOlderDeviceOfTheSameProcessClosingLeavesTheMemoryToTheNewerOne() throws IOException
    {
        final NvramDevice older = NvramDevice.open(resident());
        final NvramDevice newer = openAndWrite(resident());
        older.close();
        assertTrue(Files.exists(newer.residentSegment()));
        assertTrue(Files.exists(ResidentMemory.markerOf(newer.file())));

        ResidentMemory.forgetOpenDevices(); // the newer one's process died
        try (NvramDevice restarted = NvramDevice.open(resident()))
        {
            assertArrayEquals(BYTES, read(restarted));
        }
    }

    @Test
    void aDeviceThatTookTheContentsBackIsNotUndoneByTheOlderOneClosing() throws IOException
    {
        final NvramDevice older = NvramDevice.open(resident());
        try (NvramDevice taker = openAndWrite(device(dir.resolve("nvram.dev"), null)))
        {
            older.close();
            assertArrayEquals(BYTES, onFile());
            assertArrayEquals(BYTES, read(taker));
        }
        assertArrayEquals(BYTES, onFile());
    }

    @Test
    void withNoRoomForTheMemoryTheDeviceStagesInItsOwnAndSaysWhy() throws IOException
    {
        Files.writeString(dir.resolve("not-a-directory"), "");
        try (NvramDevice device = openAndWrite(device(dir.resolve("nvram.dev"),
            dir.resolve("not-a-directory").resolve("shm"))))
        {
            assertNull(device.residentSegment());
            assertTrue(device.residentRefusal().startsWith("no resident memory in "), device.residentRefusal());
            assertArrayEquals(BYTES, onFile(), "written back by the flusher, as without resident memory");
        }
    }

    @Test
    void powerDurabilityForcesTheFileAndKeepsNoResidentMemory() throws IOException
    {
        try (NvramDevice device = openAndWrite(resident().durability(Durability.POWER)))
        {
            assertNull(device.residentSegment());
            assertNull(device.residentRefusal());
            assertEquals(1, device.forces());
            assertArrayEquals(BYTES, onFile());
        }
    }

    @Test
    void theMemoryOfADeletedDeviceIsRemovedByTheNextDeviceThatMakesSome() throws IOException
    {
        final Path gone = Files.createDirectories(dir.resolve("gone"));
        final NvramDevice died = died(device(gone.resolve("nvram.dev"), dir.resolve("shm")));
        final Path orphan = died.residentSegment();
        Files.delete(ResidentMemory.markerOf(died.file()));
        Files.delete(died.file());
        Files.delete(gone);

        try (NvramDevice device = NvramDevice.open(resident()))
        {
            assertNotNull(device.residentSegment());
            assertFalse(Files.exists(orphan));
        }
    }

    private static byte[] read(final NvramDevice device)
    {
        final byte[] bytes = new byte[BYTES.length];
        device.read(ADDRESS, new UnsafeBuffer(bytes), 0, bytes.length);
        return bytes;
    }

    private byte[] onFile() throws IOException
    {
        try (FileChannel file = FileChannel.open(dir.resolve("nvram.dev")))
        {
            final ByteBuffer bytes = ByteBuffer.allocate(BYTES.length);
            file.read(bytes, BLOCK + ADDRESS);
            return Arrays.copyOf(bytes.array(), BYTES.length);
        }
    }
}
