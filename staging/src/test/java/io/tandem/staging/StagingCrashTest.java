package io.tandem.staging;

import io.tandem.staging.testing.ChildJvm;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The durability promise, tested by crashing: a child JVM writes records as fast as it can and prints every
 * completion; the test kills it with SIGKILL at a random moment, reopens the device and checks that every
 * record whose completion was printed is there, whole, in order. Repeated for both durability levels, and at
 * {@code process} over resident memory ({@link ResidentMemory}), where the file is not written until a clean close
 * and every completed record must come back from the memory the killed process left.
 */
class StagingCrashTest
{
    private static final long CAPACITY = 32L << 20;
    private static final int KILLS = 8;
    /** About 8,000 records of 16 + 1..8192 bytes fill the device; kill well before the last. */
    private static final int KILL_BEFORE_RECORD = 6_000;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"PROCESS", "POWER", "RESIDENT"})
    void everyPrintedCompletionSurvivesKillNine(final String mode) throws Exception
    {
        final boolean resident = "RESIDENT".equals(mode);
        final Durability durability = resident ? Durability.PROCESS : Durability.valueOf(mode);
        final Path residentDir = resident ? dir.resolve("memory") : null;
        final long seed = System.nanoTime();
        System.out.println("StagingCrashTest " + mode + " seed=" + seed);
        final Random random = new Random(seed);
        int killedMidStream = 0;
        for (int round = 0; round < KILLS; round++)
        {
            final Path file = dir.resolve("nvram-" + round + ".dev");
            long printed = 0;
            boolean full = false;
            try (ChildJvm child = ChildJvm.start(StagingCrashChild.class, dir.resolve("child.err"),
                file.toString(), Long.toString(CAPACITY), durability.name(), Long.toString(seed + round),
                resident ? residentDir.toString() : "none"))
            {
                assertEquals("READY", child.readLine(), "child did not start; see " + child.stderr());
                // Kill once a random number of records has completed. Counting records, not printed lines,
                // keeps the kill inside the run: group commit folds many completions into one line.
                final long killAfterRecord = 1 + random.nextInt(KILL_BEFORE_RECORD);
                String line;
                while (printed < killAfterRecord && null != (line = child.readLine()))
                {
                    if ("FULL".equals(line))
                    {
                        full = true;
                        break;
                    }
                    printed = Long.parseLong(line);
                }
                child.kill();
                while (!full && null != (line = child.readLine()))
                {
                    if ("FULL".equals(line))
                    {
                        full = true;
                    }
                    else
                    {
                        printed = Long.parseLong(line);
                    }
                }
            }
            killedMidStream += full ? 0 : 1;
            verify(file, residentDir, printed);
            Files.delete(file);
        }
        assertTrue(killedMidStream >= KILLS / 2, killedMidStream + " of " + KILLS +
            " children were killed mid-stream; the rest finished first, so the test proved too little");
    }

    private static void verify(final Path file, final Path residentDir, final long printed) throws Exception
    {
        try (NvramDevice device = NvramDevice.open(
            new NvramContext().file(file).capacity(CAPACITY).residentDir(residentDir)))
        {
            assertEquals(null != residentDir, null != device.residentSegment(), "resident as the child was");
            final UnsafeBuffer view = new UnsafeBuffer(new byte[StagingCrashChild.HEADER + 8192]);
            long address = 0;
            for (long sequence = 1; sequence <= printed; sequence++)
            {
                device.read(address, view, 0, StagingCrashChild.HEADER);
                assertEquals(sequence, view.getLong(0, ByteOrder.LITTLE_ENDIAN),
                    "record " + sequence + " of " + printed + " completed ones at address " + address);
                final int length = view.getInt(8, ByteOrder.LITTLE_ENDIAN);
                assertTrue(length > 0 && length <= 8192, "record " + sequence + " has length " + length);
                device.read(address + StagingCrashChild.HEADER, view, StagingCrashChild.HEADER, length);
                assertEquals(view.getInt(12, ByteOrder.LITTLE_ENDIAN), StagingCrashChild.crc(view, length),
                    "record " + sequence + " is torn although its write completed");
                address += StagingCrashChild.HEADER + length;
            }
            assertNotNull(device.view());
        }
    }
}
