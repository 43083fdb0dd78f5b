package io.tandem.raid;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rebuild's throttle on a stepped clock: at the minimum rate while clients use the array, at the maximum once
 * they leave it alone. Once, only client writes counted as use: the controller's pool sees writes only at
 * consistency points, so under a read load between CPs the rebuild ran at its maximum rate, holding the stripe
 * locks the controller's reads wait for, and clients saw stalls of 300-400 ms every second.
 */
class RebuildAgentTest
{
    private static final long STEP_NS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final int CHUNK_BYTES = TestArrays.CHUNK * TestArrays.BLOCK;

    @TempDir
    Path dir;

    @Test
    void clientReadsHoldTheRebuildToItsMinimumRateAndAQuietArrayLetsItRun() throws Exception
    {
        final TestArrays t = new TestArrays(dir, RaidLevel.RAID5, 4, 256, 5);
        try (RaidArray array = t.create(1))
        {
            t.writeMix(array, 40);
            t.devices.get(1).dead(true);
            t.writeMix(array, 1); // the failure is found by I/O: the spare takes slot 1
            assertEquals(1, array.rebuildingSlot());

            final long[] now = {0};
            final RebuildAgent agent = new RebuildAgent(List.of(array), () -> now[0], () -> true,
                40L * CHUNK_BYTES, 1000L * CHUNK_BYTES);
            final ByteBuffer block = ByteBuffer.allocate(TestArrays.BLOCK);
            for (int step = 0; step < 10; step++)
            {
                now[0] += STEP_NS;
                block.clear();
                array.read(step, block); // a client reads, no client writes
                agent.doWork();
            }
            final long underReads = array.members()[1].rebuildPosition();
            assertTrue(underReads >= 36 && underReads <= 44,
                "a second of client reads at 40 stripes a second: rebuilt " + underReads);

            for (int step = 0; step < 3; step++)
            {
                now[0] += STEP_NS;
                agent.doWork();
            }
            assertTrue(array.members()[1].rebuildPosition() - underReads >= 150,
                "quiet: up to 64 stripes a step: " + (array.members()[1].rebuildPosition() - underReads));
        }
    }
}
