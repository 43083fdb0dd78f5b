package io.tandem.primary.cache;

import io.tandem.interconnect.InterconnectContext;
import io.tandem.interconnect.MirrorSender;
import io.tandem.interconnect.status.InterconnectCounters;
import io.tandem.primary.NoPathTransport;
import io.tandem.nvlog.NvLog;
import io.tandem.nvlog.NvLogContext;
import io.tandem.primary.cache.ConsistencyPoint.Reason;
import io.tandem.primary.write.WritePath;
import io.tandem.primary.write.WriteStatus;
import io.tandem.staging.NvramContext;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.tandem.primary.cache.PoolFixture.PAGE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The write path and the consistency point of one controller, stepped on one clock as its agent steps them,
 * over a pool that runs out of space: consistency points fail as POOL_FULL and are retried after a backoff, the
 * NVLog fills, writes then fail with ENOSPC after the configured wait instead of hanging, reads keep working,
 * and once space returns the next CP succeeds and writes complete again.
 */
class PoolFullWriteTest
{
    private static final int VOLUME_PAGES = 256;
    private static final long STEP_NS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long WAIT_NS = TimeUnit.SECONDS.toNanos(5);

    @TempDir
    Path dir;

    private PoolFixture fixture;
    private NvLog log;
    private WritePath writePath;
    private boolean checkpointRequested;
    private final Map<Long, WriteStatus> completed = new HashMap<>();

    @BeforeEach
    void setUp() throws IOException
    {
        fixture = new PoolFixture(dir, VOLUME_PAGES, 64, 4);
        log = NvLog.open(new NvLogContext().maxPayloadLength(PAGE)
            .nvram(new NvramContext().file(dir.resolve("nvram.dev")).capacity(64 * 1024).blockSize(512).regionSize(4096)
                .useAgentInvoker(true)
                .nanoClock(() -> fixture.nowNs)));
        final int streams = log.partitioner().streamCount();
        final InterconnectContext interconnect = new InterconnectContext().endpointName("test").pathCount(1)
            .streamCount(streams).nanoClock(() -> fixture.nowNs).conclude();
        final MirrorSender sender = new MirrorSender(interconnect, new NoPathTransport(),
            InterconnectCounters.inManager(new CountersManager(new UnsafeBuffer(new byte[CountersManager.METADATA_LENGTH * 256]),
                new UnsafeBuffer(new byte[CountersManager.COUNTER_LENGTH * 256])),
            InterconnectCounters.ROLE_SENDER, "p", 1, streams));
        writePath = new WritePath(log, sender, fixture.cache, why -> checkpointRequested = true,
            () -> fixture.nowNs, 64, fixture.epoch, 1,
            (token, status, context) -> completed.put(token, status));
        writePath.runWithoutMirror(fixture.epoch);
        writePath.noSpaceWaitNs(WAIT_NS);
        fixture.recordEvents = false;
        fixture.next = new ConsistencyPointListener()
        {
            public void onComplete(final Reason reason, final long cpLsn, final int pagesDestaged, final long ns)
            {
                writePath.poolFull(false);
            }

            public void onFailed(final Reason reason, final CpFailure failure, final Throwable error)
            {
                writePath.poolFull(CpFailure.POOL_FULL == failure);
            }
        };
    }

    @AfterEach
    void tearDown() throws IOException
    {
        org.agrona.CloseHelper.closeAll(log, fixture);
    }

    @Test
    void writesFailWithEnospcAfterTheWaitWhileThePoolIsFullAndResumeWhenSpaceReturns() throws IOException
    {
        fixture.device.spaceLeft = 4L * PAGE;

        long token = 0;
        while (true)
        {
            submitWrite(++token);
            final long submittedNs = fixture.nowNs;
            while (!completed.containsKey(token) && fixture.nowNs - submittedNs < 2 * WAIT_NS)
            {
                step();
            }
            if (WriteStatus.OK != completed.getOrDefault(token, WriteStatus.OK))
            {
                break;
            }
            assertTrue(token < VOLUME_PAGES, "the NVLog never filled");
            assertTrue(completed.containsKey(token), "write " + token + " hung");
        }
        final long stalled = token;
        assertEquals(WriteStatus.NO_SPACE, completed.get(stalled));
        assertEquals(CpFailure.POOL_FULL, fixture.cp.lastFailure());
        assertTrue(fixture.cp.failedCount() >= 1);
        assertEquals("log full", writePath.stalledOn());
        assertEquals(1, writePath.writesFailedNoSpace());

        // the wait is the setting: a write submitted now is not failed before it, and is at it
        submitWrite(++token);
        final long submittedNs = fixture.nowNs;
        while (fixture.nowNs - submittedNs < WAIT_NS - STEP_NS)
        {
            step();
        }
        assertNull(completed.get(token), "failed before the wait");
        while (fixture.nowNs - submittedNs < WAIT_NS + STEP_NS)
        {
            step();
        }
        assertEquals(WriteStatus.NO_SPACE, completed.get(token));

        // reads still work, of pages in the pool and of pages only in the cache
        for (long page = 1; page < stalled; page++)
        {
            final ByteBuffer dst = ByteBuffer.allocate(PAGE);
            final long readToken = 1_000 + page;
            writePath.read(readToken, (page - 1) * PAGE, dst, null);
            assertEquals(WriteStatus.OK, completed.get(readToken));
            assertArrayEquals(pattern(page), dst.array(), "page " + page);
        }

        // space returns: the next CP, at most one backoff later, succeeds and writes complete again
        fixture.device.spaceLeft = -1;
        submitWrite(++token);
        final long retryFromNs = fixture.nowNs;
        while (!completed.containsKey(token))
        {
            step();
            assertTrue(fixture.nowNs - retryFromNs <= WAIT_NS, "writes did not resume");
        }
        assertEquals(WriteStatus.OK, completed.get(token));
        assertNull(fixture.cp.lastFailure());
        assertFalse(fixture.cp.isExhausted());
    }

    private void submitWrite(final long token)
    {
        final ByteBuffer src = ByteBuffer.wrap(pattern(token));
        writePath.write(token, (token - 1) * PAGE, src, null);
    }

    private static byte[] pattern(final long token)
    {
        final byte[] bytes = new byte[PAGE];
        Arrays.fill(bytes, (byte)token);
        return bytes;
    }

    /**
     * One duty cycle of the primary's agent, as far as writes and CPs go, then the clock moves on.
     */
    private void step()
    {
        final long nowNs = fixture.nowNs;
        log.device().invoker().invoke();
        writePath.doWork(nowNs);
        log.device().invoker().invoke();
        fixture.cp.doWork(nowNs);
        fixture.executor.runAll();
        if (!fixture.cp.isRunning())
        {
            final int sealed = log.sealedHalf();
            if (-1 != sealed && log.maxLsn(sealed) <= fixture.cp.lastCpLsn())
            {
                log.release(sealed);
            }
            if ((checkpointRequested || -1 != log.sealedHalf()) && fixture.cp.start(Reason.LOG_HALF_FULL))
            {
                checkpointRequested = false;
            }
        }
        fixture.nowNs += STEP_NS;
    }
}
