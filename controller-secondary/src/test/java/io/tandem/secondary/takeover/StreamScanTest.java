package io.tandem.secondary.takeover;

import io.tandem.nvlog.NvLog;
import io.tandem.nvlog.NvLogContext;
import io.tandem.staging.NvramContext;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a takeover's scan of one stream calls a problem: only disorder that could touch what is replayed, above
 * the pool's CP LSN. Seed 1122 of the simulator: a controller that had served alone (its records acknowledged
 * alone carry sequence 0) rejoined as secondary, its partner died part-way through a takeover, and its own
 * takeover failed for good on "sequence goes back from 0 to 0" between two records below the CP LSN, which the
 * pool held already: nobody served the volume.
 */
class StreamScanTest
{
    @TempDir
    Path dir;

    @Test
    void disorderAtOrBelowTheCpLsnIsHarmlessAndAboveItIsAProblem() throws Exception
    {
        try (NvLog log = NvLog.open(new NvLogContext().streamCount(2).stripeSize(4096).maxPayloadLength(4096)
            .nvram(new NvramContext().file(dir.resolve("nvram")).capacity(1 << 20).blockSize(512).regionSize(4096)
                .useAgentInvoker(true))))
        {
            append(log, 0, 14_700);
            append(log, 0, 14_717); // sequence goes back from 0 to 0
            append(log, 0, 14_710); // LSN goes back

            final StreamScan below = new StreamScan(0, 14_790).scan(log);
            assertNull(below.problem(), "all of it is in the pool already");
            assertEquals(2, below.harmlessGaps());
            assertEquals(0, below.recordsAbove());

            final StreamScan above = new StreamScan(0, 14_705).scan(log);
            assertTrue(null != above.problem() && above.problem().contains("sequence goes back from 0 to 0"),
                String.valueOf(above.problem()));
        }
    }

    private static void append(final NvLog log, final long sequence, final long lsn)
    {
        final long ticket = log.appendWrite(0, sequence, lsn, 7, 0, 0, new UnsafeBuffer(new byte[4096]), 0, 4096);
        assertTrue(ticket > 0, "appended: " + ticket);
        log.device().awaitCompletion(ticket);
    }
}
