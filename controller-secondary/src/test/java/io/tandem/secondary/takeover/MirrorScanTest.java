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
 * What a takeover's scan of the mirror calls a problem: only disorder that could touch what is replayed, above
 * the pool's CP LSN. Seed 1122 of the simulator: a controller that had served alone (its records acknowledged
 * alone carry sequence 0) rejoined as secondary, its partner died part-way through a takeover, and its own
 * takeover failed for good on "sequence goes back from 0 to 0" between two records below the CP LSN, which the
 * pool held already: nobody served the volume.
 */
class MirrorScanTest
{
    @TempDir
    Path dir;

    @Test
    void disorderAtOrBelowTheCpLsnIsHarmlessAndAboveItIsAProblem() throws Exception
    {
        try (NvLog log = open())
        {
            append(log, 0, 0, 14_700);
            append(log, 0, 0, 14_717); // sequence goes back from 0 to 0
            append(log, 0, 0, 14_710); // LSN goes back

            final MirrorScan below = new MirrorScan(2, 14_790).scan(log);
            assertNull(below.problem(), "all of it is in the pool already");
            assertEquals(2, below.harmlessGaps(0));
            assertEquals(0, below.recordsAbove(0));

            final MirrorScan above = new MirrorScan(2, 14_705).scan(log);
            assertTrue(null != above.problem() && above.problem().contains("sequence goes back from 0 to 0"),
                String.valueOf(above.problem()));
            assertEquals(0, above.problemStream());
        }
    }

    /**
     * One walk keeps each stream's order apart: streams interleaved in the log, each whole, are no problem; a gap
     * in one of them above the CP LSN is, and names that stream.
     */
    @Test
    void checksEachStreamOnItsOwnInOneWalk() throws Exception
    {
        try (NvLog log = open())
        {
            long lsn = 100;
            for (int sequence = 1; sequence <= 5; sequence++)
            {
                append(log, 0, sequence, ++lsn);
                append(log, 1, sequence, ++lsn);
            }
            final MirrorScan whole = new MirrorScan(2, 103).scan(log);
            assertNull(whole.problem());
            assertEquals(5, whole.records(0));
            assertEquals(5, whole.records(1));
            assertEquals(3, whole.recordsAbove(0));
            assertEquals(4, whole.recordsAbove(1));
            assertEquals(3L * 4096, whole.bytesAbove(0));
            assertEquals(lsn, whole.highestLsn(1));

            append(log, 1, 7, ++lsn); // stream 1 lacks its sequence 6
            append(log, 0, 6, ++lsn);
            final MirrorScan gap = new MirrorScan(2, 103).scan(log);
            assertEquals(1, gap.problemStream());
            assertTrue(gap.problem().contains("stream 1: the mirror lacks sequences 6 to 6"), gap.problem());
        }
    }

    private NvLog open() throws java.io.IOException
    {
        return NvLog.open(new NvLogContext().streamCount(2).stripeSize(4096).maxPayloadLength(4096)
            .nvram(new NvramContext().file(dir.resolve("nvram")).capacity(1 << 20).blockSize(512).regionSize(4096)
                .useAgentInvoker(true)));
    }

    private static void append(final NvLog log, final int stream, final long sequence, final long lsn)
    {
        final long ticket = log.appendWrite(stream, sequence, lsn, 7, 0, 0, new UnsafeBuffer(new byte[4096]), 0,
            4096);
        assertTrue(ticket > 0, "appended: " + ticket);
        log.device().awaitCompletion(ticket);
    }
}
