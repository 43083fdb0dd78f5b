package io.tandem.primary.cache;

import io.tandem.primary.cache.ConsistencyPoint.Reason;
import io.tandem.primary.cache.ConsistencyPoint.State;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.tandem.primary.cache.PoolFixture.PAGE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A pool that refuses writes: a full disk fails the CP with a typed reason, the CP is tried again only after a
 * bounded backoff on the stepped clock, and it completes once space returns; other I/O errors in a row exhaust it.
 */
class ConsistencyPointFailureTest
{
    private static final int VOLUME_PAGES = 64;
    private static final long MIN_NS = TimeUnit.MILLISECONDS.toNanos(
        ConsistencyPointContext.RETRY_BACKOFF_MIN_MS_DEFAULT);
    private static final long MAX_NS = TimeUnit.MILLISECONDS.toNanos(
        ConsistencyPointContext.RETRY_BACKOFF_MAX_MS_DEFAULT);

    @TempDir
    Path dir;

    @Test
    void aFullPoolFailsTheCpAsPoolFullAndItIsRetriedAfterABackoffUntilSpaceReturns() throws IOException
    {
        try (PoolFixture fixture = new PoolFixture(dir, VOLUME_PAGES, 16, 2))
        {
            writePages(fixture.cache, 8);
            fixture.device.spaceLeft = 3L * PAGE;

            assertTrue(fixture.cp.start(Reason.LOG_HALF_FULL));
            assertEquals(State.FAILED, fixture.finishCp());
            assertEquals(CpFailure.POOL_FULL, fixture.cp.lastFailure());
            assertEquals("No space left on device", fixture.cp.lastError().getMessage());
            assertEquals(List.of("failed LOG_HALF_FULL POOL_FULL No space left on device"), fixture.events);
            assertEquals(8, fixture.cache.dirtyPages());
            assertEquals(0, fixture.recordedCpLsn());
            assertFalse(fixture.cp.isExhausted(), "a full pool is waited out, not given up");

            final long firstFailNs = fixture.nowNs;
            assertEquals(firstFailNs + MIN_NS, fixture.cp.retryAtNs());
            final int writesBefore = fixture.device.writeCalls;
            for (int cycle = 0; cycle < 1_000; cycle++)
            {
                fixture.nowNs += 10_000;
                assertFalse(fixture.cp.start(Reason.LOG_HALF_FULL), "no retry from every duty cycle");
                fixture.cp.doWork(fixture.nowNs);
            }
            assertEquals(writesBefore, fixture.device.writeCalls, "nothing written while backing off");

            fixture.nowNs = fixture.cp.retryAtNs();
            assertTrue(fixture.cp.start(Reason.LOG_HALF_FULL));
            assertEquals(State.FAILED, fixture.finishCp());
            assertEquals(2, fixture.cp.failuresInARow());
            assertEquals(fixture.nowNs + 2 * MIN_NS, fixture.cp.retryAtNs(), "the backoff doubles");
            final StringBuilder status = new StringBuilder();
            fixture.cp.appendFailureStatus(status, fixture.nowNs);
            assertEquals("cp.failed=2\ncp.lastFailure=POOL_FULL in a row 2: java.io.IOException: No space left on " +
                "device, retry in " + 2 * MIN_NS / 1_000_000 + " ms\n", status.toString());

            fixture.device.spaceLeft = -1;
            fixture.nowNs = fixture.cp.retryAtNs();
            assertTrue(fixture.cp.start(Reason.LOG_HALF_FULL));
            assertEquals(State.DONE, fixture.finishCp());
            assertEquals(8, fixture.recordedCpLsn());
            assertEquals(0, fixture.cache.dirtyPages());
            assertNull(fixture.cp.lastFailure());
            assertEquals(0, fixture.cp.failuresInARow());
        }
    }

    @Test
    void theBackoffIsBounded() throws IOException
    {
        try (PoolFixture fixture = new PoolFixture(dir, VOLUME_PAGES, 16, 64))
        {
            writePages(fixture.cache, 2);
            fixture.device.spaceLeft = 0;
            for (int attempt = 0; attempt < 20; attempt++)
            {
                fixture.nowNs = Math.max(fixture.nowNs, fixture.cp.retryAtNs());
                assertTrue(fixture.cp.start(Reason.TIMER));
                assertEquals(State.FAILED, fixture.finishCp());
            }
            assertEquals(fixture.nowNs + MAX_NS, fixture.cp.retryAtNs());
            assertFalse(fixture.cp.isExhausted());
        }
    }

    @Test
    void otherIoErrorsInARowExhaustTheCpAndASuccessStartsTheCountAgain() throws IOException
    {
        try (PoolFixture fixture = new PoolFixture(dir, VOLUME_PAGES, 16, 64))
        {
            writePages(fixture.cache, 2);
            final int max = ConsistencyPointContext.MAX_CONSECUTIVE_FAILURES_DEFAULT;
            fixture.device.failWrites = "Input/output error";
            for (int attempt = 1; attempt <= max; attempt++)
            {
                assertFalse(fixture.cp.isExhausted());
                fixture.nowNs = Math.max(fixture.nowNs, fixture.cp.retryAtNs());
                assertTrue(fixture.cp.start(Reason.TIMER));
                assertEquals(State.FAILED, fixture.finishCp());
                assertEquals(CpFailure.IO_ERROR, fixture.cp.lastFailure());
                assertEquals(attempt, fixture.cp.ioFailuresInARow());
            }
            assertTrue(fixture.cp.isExhausted());

            fixture.device.failWrites = null;
            fixture.nowNs = fixture.cp.retryAtNs();
            assertTrue(fixture.cp.start(Reason.TIMER));
            assertEquals(State.DONE, fixture.finishCp());
            assertFalse(fixture.cp.isExhausted());
            assertEquals(0, fixture.cp.ioFailuresInARow());
        }
    }

    @Test
    void classifiesNoSpaceAnywhereInTheCauseChain()
    {
        assertEquals(CpFailure.POOL_FULL, CpFailure.of(new IOException("No space left on device")));
        assertEquals(CpFailure.POOL_FULL, CpFailure.of(new java.io.UncheckedIOException("destage",
            new IOException("/pool/volume.dat: No space left on device"))));
        assertEquals(CpFailure.POOL_FULL, CpFailure.of(new IOException("Disk quota exceeded")));
        assertEquals(CpFailure.IO_ERROR, CpFailure.of(new IOException("Input/output error")));
        assertEquals(CpFailure.IO_ERROR, CpFailure.of(new IllegalStateException()));
    }

    private static void writePages(final PageCache cache, final int pages) throws IOException
    {
        final byte[] bytes = new byte[PAGE];
        for (int page = 0; page < pages; page++)
        {
            Arrays.fill(bytes, (byte)(page + 1));
            assertEquals(PageCache.OK, cache.write((long)page * PAGE, new UnsafeBuffer(bytes), 0, PAGE, page + 1));
        }
    }
}
