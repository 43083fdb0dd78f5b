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
import java.util.Random;

import static io.tandem.primary.cache.PoolFixture.PAGE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConsistencyPointTest
{
    private static final int VOLUME_PAGES = 64;

    @TempDir
    Path dir;

    private final byte[] model = new byte[VOLUME_PAGES * PAGE];

    private void write(final PageCache cache, final long offset, final int length, final int value, final long lsn)
        throws IOException
    {
        final byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte)value);
        assertEquals(PageCache.OK, cache.write(offset, new UnsafeBuffer(bytes), 0, length, lsn));
        System.arraycopy(bytes, 0, model, (int)offset, length);
    }

    @Test
    void destagesExactlyTheDirtyPagesInLsnOrderAndRecordsTheCpLsn() throws IOException
    {
        try (PoolFixture fixture = new PoolFixture(dir, VOLUME_PAGES, 16, 2))
        {
            final PageCache cache = fixture.cache;
            write(cache, 5L * PAGE, PAGE, 1, 1);
            write(cache, 2L * PAGE + 100, 50, 2, 2);
            write(cache, 9L * PAGE, PAGE, 3, 3);
            write(cache, 5L * PAGE + 10, 10, 4, 4);
            write(cache, 20L * PAGE - 1, PAGE + 2, 5, 5);
            assertEquals(6, cache.dirtyPages());

            assertTrue(fixture.cp.start(Reason.COMMAND));
            assertFalse(fixture.cp.start(Reason.TIMER), "one CP at a time");
            assertEquals(State.DONE, fixture.finishCp());

            assertEquals(List.of(2L, 9L, 5L, 19L, 20L, 21L), fixture.device.takeWrites(),
                "ascending last LSN, pages of one write in page order");
            assertEquals(1, fixture.device.flushCount);
            assertEquals(5, fixture.recordedCpLsn());
            assertEquals(5, fixture.cp.lastCpLsn());
            assertEquals(6, fixture.cp.lastPagesDestaged());
            assertEquals(1, fixture.cp.completedCount());
            assertEquals(0, cache.dirtyPages());
            assertEquals(6, cache.pagesCached(), "destaged pages stay cached, clean");
            assertArrayEquals(model, fixture.readPoolFile());
            assertEquals(1, fixture.events.size());
            assertTrue(fixture.events.get(0).startsWith("complete COMMAND 5 6 "), fixture.events.toString());

            assertTrue(fixture.cp.start(Reason.TIMER));
            assertEquals(State.DONE, fixture.finishCp());
            assertTrue(fixture.device.takeWrites().isEmpty(), "nothing dirty, nothing destaged");
            assertEquals(5, fixture.recordedCpLsn());
        }
    }

    @Test
    void pagesGoOutInArrivalOrderWhileTheOrderIsWorkedOutAStepAhead() throws IOException
    {
        final java.util.Random random = new java.util.Random(42);
        for (int trial = 0; trial < 20; trial++)
        {
            java.util.Arrays.fill(model, (byte)0);
            try (PoolFixture fixture = new PoolFixture(dir.resolve("t" + trial), VOLUME_PAGES, VOLUME_PAGES,
                1 + random.nextInt(5)))
            {
                final long[] lastLsn = new long[VOLUME_PAGES];
                final int writes = 1 + random.nextInt(100);
                for (int lsn = 1; lsn <= writes; lsn++)
                {
                    final int length = 1 + random.nextInt(3 * PAGE);
                    final int offset = random.nextInt(VOLUME_PAGES * PAGE - length);
                    write(fixture.cache, offset, length, lsn, lsn);
                    for (int page = offset / PAGE; page <= (offset + length - 1) / PAGE; page++)
                    {
                        lastLsn[page] = lsn;
                    }
                }
                final List<Long> expected = java.util.stream.LongStream.range(0, VOLUME_PAGES)
                    .filter(page -> lastLsn[(int)page] > 0).boxed()
                    .sorted(java.util.Comparator.<Long>comparingLong(page -> lastLsn[page.intValue()])
                        .thenComparingLong(page -> page))
                    .collect(java.util.stream.Collectors.toList());

                assertTrue(fixture.cp.start(Reason.COMMAND));
                assertEquals(State.DONE, fixture.finishCp());
                assertEquals(expected, fixture.device.takeWrites(), "trial " + trial);
                assertArrayEquals(model, fixture.readPoolFile(), "trial " + trial);
            }
        }
    }

    /**
     * The simulator's seed 125 (before the fix): a primary that started on a log full of records the pool
     * already held recorded CP LSN 0, its cache having applied nothing, so no log half was ever released and
     * writes stalled on "log full" for good.
     */
    @Test
    void aCpOfACacheThatStartedAtThePoolsCpLsnCoversItWithNothingDirty() throws IOException
    {
        try (PoolFixture fixture = new PoolFixture(dir, VOLUME_PAGES, 16, 2))
        {
            fixture.cache.appliedUpTo(7157);
            assertTrue(fixture.cp.start(Reason.LOG_HALF_FULL));
            assertEquals(State.DONE, fixture.finishCp());
            assertEquals(7157, fixture.cp.lastCpLsn(), "the log up to the pool's CP LSN may be released");
            assertEquals(List.of(), fixture.device.takeWrites(), "nothing to destage");

            write(fixture.cache, 3L * PAGE, PAGE, 1, 7158);
            fixture.cache.appliedUpTo(10); // never backwards
            assertTrue(fixture.cp.start(Reason.COMMAND));
            assertEquals(State.DONE, fixture.finishCp());
            assertEquals(7158, fixture.cp.lastCpLsn());
        }
    }

    @Test
    void atProcessDurabilityACpRecordsItsLsnWithoutForcingThePool() throws IOException
    {
        try (PoolFixture fixture = new PoolFixture(dir, VOLUME_PAGES, 16, 2, false))
        {
            write(fixture.cache, 3L * PAGE, 2 * PAGE, 1, 1);
            write(fixture.cache, 7L * PAGE + 5, 100, 2, 2);
            assertTrue(fixture.cp.start(Reason.LOG_HALF_FULL));
            assertEquals(State.DONE, fixture.finishCp());

            assertEquals(List.of(3L, 4L, 7L), fixture.device.takeWrites());
            assertEquals(0, fixture.device.flushCount, "the pool is not forced");
            assertEquals(2, fixture.recordedCpLsn());
            assertArrayEquals(model, fixture.readPoolFile(), "another reader of the file sees every destaged page");
        }
    }

    @Test
    void pagesConsecutiveOnTheVolumeAndInMemoryGoOutInOneWritePerStep() throws IOException
    {
        try (PoolFixture fixture = new PoolFixture(dir, VOLUME_PAGES, 32, 8))
        {
            write(fixture.cache, 4L * PAGE, 12 * PAGE, 1, 1);
            write(fixture.cache, 40L * PAGE + 1, 2, 2, 2);
            assertTrue(fixture.cp.start(Reason.COMMAND));
            assertEquals(State.DONE, fixture.finishCp());
            assertEquals(List.of(4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L, 15L, 40L),
                fixture.device.takeWrites());
            assertEquals(3, fixture.device.writeCalls, "8 pages, then 4 pages and the lone page 40");
            assertArrayEquals(model, fixture.readPoolFile());
        }
    }

    @Test
    void pagesWrittenDuringACpStayDirtyAndTheNextCpDestagesThem() throws IOException
    {
        try (PoolFixture fixture = new PoolFixture(dir, VOLUME_PAGES, 16, 2))
        {
            final PageCache cache = fixture.cache;
            for (int page = 0; page < 6; page++)
            {
                write(cache, (long)page * PAGE, PAGE, 10 + page, page + 1);
            }
            assertTrue(fixture.cp.start(Reason.LOG_HALF_FULL));
            fixture.stepUntil(State.DESTAGE);
            assertEquals(6, fixture.cp.cpLsn());
            fixture.cp.doWork(fixture.nowNs);
            assertTrue(fixture.device.takeWrites().isEmpty(), "the agent picks a batch, it does not write it");
            fixture.executor.runAll();
            assertEquals(List.of(0L, 1L), fixture.device.takeWrites(), "two pages a batch");

            write(cache, 0, 100, 20, 7);
            write(cache, 4L * PAGE + 5, 100, 21, 8);
            write(cache, 30L * PAGE, PAGE, 22, 9);
            write(cache, PAGE + 7, 3, 23, 3);

            assertEquals(State.DONE, fixture.finishCp());
            assertEquals(List.of(2L, 3L, 4L, 5L), fixture.device.takeWrites(), "the new page 30 is not in this CP");
            assertEquals(6, fixture.recordedCpLsn(), "the LSN taken when the CP started");
            assertTrue(cache.isDirty(0), "written again after its destage");
            assertTrue(cache.isDirty(4), "written again before its destage");
            assertTrue(cache.isDirty(30), "written during the CP");
            assertTrue(cache.isDirty(1), "written again after its destage, with an older LSN as a replay may");
            assertFalse(cache.isDirty(2));
            assertFalse(cache.isDirty(5));
            assertEquals(4, cache.dirtyPages());

            assertTrue(fixture.cp.start(Reason.COMMAND));
            assertEquals(State.DONE, fixture.finishCp());
            assertEquals(List.of(1L, 0L, 4L, 30L), fixture.device.takeWrites());
            assertEquals(9, fixture.recordedCpLsn());
            assertEquals(0, cache.dirtyPages());
            assertArrayEquals(model, fixture.readPoolFile());
        }
    }

    @Test
    void aCpFencedBeforeItRecordsEndsFencedAndLeavesTheCpLsn() throws IOException
    {
        try (PoolFixture fixture = new PoolFixture(dir, VOLUME_PAGES, 16, 64))
        {
            final PageCache cache = fixture.cache;
            write(cache, 0, PAGE, 1, 1);
            assertTrue(fixture.cp.start(Reason.COMMAND));
            assertEquals(State.DONE, fixture.finishCp());
            write(cache, PAGE, PAGE, 2, 2);

            assertTrue(fixture.cp.start(Reason.COMMAND));
            fixture.stepUntil(State.RECORD);
            assertEquals(1, fixture.executor.pending(), "the superblock update waits to run");
            fixture.ownership.take(1, fixture.pool.superblocks().read());
            fixture.executor.runAll();
            fixture.cp.doWork(++fixture.nowNs);

            assertEquals(State.FENCED, fixture.cp.state());
            assertEquals(1, fixture.recordedCpLsn());
            assertEquals(1, fixture.cp.lastCpLsn());
            assertTrue(cache.isDirty(1), "not recorded, so not clean");
            assertEquals("fenced " + fixture.epoch, fixture.events.get(fixture.events.size() - 1));
            assertFalse(fixture.cp.start(Reason.COMMAND), "a fenced controller runs no more CPs");
            assertEquals(0, fixture.cp.doWork(++fixture.nowNs));
        }
    }

    @Test
    void aCpWhoseEpochLeaseRanOutChecksTheEpochBeforeItsNextBatchAndWritesNothingMoreOnceFenced()
        throws IOException
    {
        try (PoolFixture fixture = new PoolFixture(dir, VOLUME_PAGES, 16, 2))
        {
            write(fixture.cache, 0, 8 * PAGE, 1, 1);
            assertTrue(fixture.cp.start(Reason.TIMER));
            fixture.stepUntil(State.DESTAGE);
            assertEquals(1, fixture.cp.fenceChecks(), "one check before the first batch");
            fixture.cp.doWork(fixture.nowNs += 10);
            fixture.executor.runAll();
            assertEquals(2, fixture.device.takeWrites().size(), "one batch of two pages under the lease");

            fixture.nowNs += 2_000_000; // the controller stalled past its lease
            fixture.ownership.take(1, fixture.pool.superblocks().read()); // and the partner took the pool
            fixture.cp.doWork(fixture.nowNs += 10);
            assertEquals(State.FENCE_CHECK, fixture.cp.state(), "no batch on an expired lease");
            assertTrue(fixture.device.takeWrites().isEmpty());
            assertEquals(State.FENCED, fixture.finishCp());
            assertEquals(2, fixture.cp.fenceChecks());
            assertTrue(fixture.device.takeWrites().isEmpty(), "a fenced CP writes nothing more");
            assertFalse(fixture.lease.holds(fixture.nowNs));
        }
    }

    /**
     * The I/O thread writes a batch run by run, checking the lease before each: a lease that runs out in the
     * middle stops the batch there, and the rest is written only after the epoch was checked again, never by a
     * fenced controller. Meanwhile the agent's duty cycle does nothing for the CP and never writes.
     */
    @Test
    void aBatchStopsWhereTheLeaseRanOutAndTheRestWaitsForACheckOfTheEpoch() throws IOException
    {
        for (final boolean fenced : new boolean[]{ false, true })
        {
            try (PoolFixture fixture = new PoolFixture(dir.resolve("fenced-" + fenced), VOLUME_PAGES, 16, 4))
            {
                // four pages apart on the volume: four runs in one batch
                for (int page = 0; page < 8; page += 2)
                {
                    write(fixture.cache, (long)page * PAGE, PAGE, 1 + page, 1 + page);
                }
                assertTrue(fixture.cp.start(Reason.TIMER));
                fixture.stepUntil(State.DESTAGE);
                fixture.cp.doWork(fixture.nowNs += 10);
                assertEquals(1, fixture.executor.pending(), "the batch waits for the I/O thread");
                assertEquals(0, fixture.cp.doWork(fixture.nowNs += 10), "the agent waits for it, doing nothing");
                assertTrue(fixture.device.takeWrites().isEmpty());

                fixture.nowNs += 2_000_000; // the I/O thread stalled past the lease before its second run
                if (fenced)
                {
                    fixture.ownership.take(1, fixture.pool.superblocks().read());
                }
                fixture.executor.runAll();
                assertEquals(List.of(0L), fixture.device.takeWrites(), "the first run, right after a check");
                fixture.cp.doWork(fixture.nowNs += 10);
                assertEquals(State.FENCE_CHECK, fixture.cp.state());
                if (fenced)
                {
                    assertEquals(State.FENCED, fixture.finishCp());
                    assertTrue(fixture.device.takeWrites().isEmpty(), "a fenced CP writes nothing more");
                }
                else
                {
                    assertEquals(State.DONE, fixture.finishCp());
                    assertEquals(List.of(2L, 4L, 6L), fixture.device.takeWrites(), "the rest, once each");
                    assertEquals(0, fixture.cache.dirtyPages());
                }
            }
        }
    }

    @Test
    void aCpWhoseEpochLeaseRanOutButIsStillTheOwnerRenewsItAndGoesOn() throws IOException
    {
        try (PoolFixture fixture = new PoolFixture(dir, VOLUME_PAGES, 16, 2))
        {
            write(fixture.cache, 0, 8 * PAGE, 1, 1);
            assertTrue(fixture.cp.start(Reason.TIMER));
            fixture.stepUntil(State.DESTAGE);
            fixture.cp.doWork(fixture.nowNs += 10);
            fixture.nowNs += 2_000_000;
            assertEquals(State.DONE, fixture.finishCp());
            assertEquals(2, fixture.cp.fenceChecks());
            assertTrue(fixture.lease.holds(fixture.nowNs));
            assertEquals(0, fixture.cache.dirtyPages());
        }
    }

    @Test
    void aControllerFencedBeforeTheCpWritesNothingToThePool() throws IOException
    {
        try (PoolFixture fixture = new PoolFixture(dir, VOLUME_PAGES, 16, 64))
        {
            write(fixture.cache, 0, 3 * PAGE, 1, 1);
            fixture.ownership.take(1, fixture.pool.superblocks().read());
            assertTrue(fixture.cp.start(Reason.TIMER));
            assertEquals(State.FENCED, fixture.finishCp());
            assertTrue(fixture.device.takeWrites().isEmpty());
            assertEquals(0, fixture.device.flushCount);
            assertEquals(0, fixture.recordedCpLsn());
            assertEquals(3, fixture.cache.dirtyPages());
        }
    }

    @Test
    void aFailedFlushLeavesPagesDirtyAndALaterCpRetries() throws IOException
    {
        try (PoolFixture fixture = new PoolFixture(dir, VOLUME_PAGES, 16, 64))
        {
            write(fixture.cache, 0, 2 * PAGE, 1, 1);
            fixture.device.failFlush = true;
            assertTrue(fixture.cp.start(Reason.COMMAND));
            assertEquals(State.FAILED, fixture.finishCp());
            assertEquals("injected flush failure", fixture.cp.lastError().getMessage());
            assertEquals(0, fixture.recordedCpLsn());
            assertEquals(2, fixture.cache.dirtyPages());
            assertEquals(1, fixture.cp.failedCount());

            fixture.device.failFlush = false;
            assertFalse(fixture.cp.start(Reason.COMMAND), "not before the retry backoff");
            fixture.nowNs = fixture.cp.retryAtNs();
            assertTrue(fixture.cp.start(Reason.COMMAND));
            assertEquals(State.DONE, fixture.finishCp());
            assertEquals(1, fixture.recordedCpLsn());
            assertEquals(0, fixture.cache.dirtyPages());
        }
    }

    @Test
    void evictsCleanPagesOnly() throws IOException
    {
        try (PoolFixture fixture = new PoolFixture(dir, VOLUME_PAGES, 4, 64))
        {
            final PageCache cache = fixture.cache;
            write(cache, 0, 4 * PAGE, 1, 1);
            assertTrue(fixture.cp.start(Reason.COMMAND));
            assertEquals(State.DONE, fixture.finishCp());
            write(cache, 0, 2 * PAGE, 2, 2);

            write(cache, 10L * PAGE, 2 * PAGE, 3, 3);
            assertEquals(2, cache.evictions());
            assertFalse(cache.isCached(2));
            assertFalse(cache.isCached(3));
            assertTrue(cache.isDirty(0) && cache.isDirty(1) && cache.isDirty(10) && cache.isDirty(11));

            final byte[] bytes = new byte[PAGE];
            assertEquals(PageCache.CACHE_FULL, cache.write(12L * PAGE, new UnsafeBuffer(bytes), 0, PAGE, 4),
                "every frame is dirty");
            assertEquals(2, cache.evictions());

            final byte[] got = new byte[VOLUME_PAGES * PAGE];
            cache.read(0, new UnsafeBuffer(got), 0, got.length);
            assertArrayEquals(model, got, "evicted pages read back from the pool");
        }
    }

    @Test
    void randomWritesWithCpsInterleavedLeaveThePoolEqualToTheModel() throws IOException
    {
        final long seed = System.nanoTime();
        System.out.println("ConsistencyPointTest.randomWritesWithCpsInterleaved seed=" + seed);
        final Random random = new Random(seed);
        try (PoolFixture fixture = new PoolFixture(dir, VOLUME_PAGES, 8, 3))
        {
            final PageCache cache = fixture.cache;
            final ConsistencyPoint cp = fixture.cp;
            final byte[] src = new byte[2 * PAGE];
            final UnsafeBuffer srcBuffer = new UnsafeBuffer(src);
            final byte[] dst = new byte[2 * PAGE];
            final UnsafeBuffer dstBuffer = new UnsafeBuffer(dst);
            long lsn = 0;
            int cacheFull = 0;
            for (int op = 0; op < 4000; op++)
            {
                final int length = random.nextInt(2 * PAGE) + 1;
                final int offset = random.nextInt(model.length - length + 1);
                final int kind = random.nextInt(4);
                final String what = "seed=" + seed + " op=" + op;
                if (kind <= 1)
                {
                    random.nextBytes(src);
                    int code;
                    while (PageCache.OK != (code = 0 == kind ? cache.write(offset, srcBuffer, 0, length, lsn + 1) :
                        cache.writeZeroes(offset, length, lsn + 1, 0 == (lsn & 1))))
                    {
                        assertEquals(PageCache.CACHE_FULL, code, what);
                        cacheFull++;
                        cp.start(Reason.COMMAND);
                        assertEquals(State.DONE, fixture.finishCp(), what);
                    }
                    lsn++;
                    if (0 == kind)
                    {
                        System.arraycopy(src, 0, model, offset, length);
                    }
                    else
                    {
                        Arrays.fill(model, offset, offset + length, (byte)0);
                    }
                }
                else if (2 == kind)
                {
                    cache.read(offset, dstBuffer, 0, length);
                    assertArrayEquals(Arrays.copyOfRange(model, offset, offset + length),
                        Arrays.copyOf(dst, length), what);
                }
                else
                {
                    if (!cp.isRunning() && random.nextInt(8) == 0)
                    {
                        cp.start(Reason.TIMER);
                    }
                    cp.doWork(++fixture.nowNs);
                    if (random.nextBoolean())
                    {
                        fixture.executor.runAll();
                    }
                    assertTrue(cp.state() != State.FAILED && cp.state() != State.FENCED, what);
                }
            }
            fixture.finishCp();
            assertTrue(cp.start(Reason.COMMAND));
            assertEquals(State.DONE, fixture.finishCp());
            assertEquals(0, cache.dirtyPages());
            assertEquals(lsn, fixture.recordedCpLsn());
            assertArrayEquals(model, fixture.readAsPersisted(), "seed=" + seed);
            assertTrue(cacheFull > 0 && cache.evictions() > 0, "back pressure and eviction exercised");
        }
    }

    @Test
    void runsItsBlockingStepsOnItsOwnThread() throws IOException
    {
        try (PoolFixture fixture = new PoolFixture(dir, VOLUME_PAGES, 16, 64))
        {
            final ConsistencyPoint cp = new ConsistencyPoint(new ConsistencyPointContext()
                .cache(fixture.cache).ownership(fixture.ownership).epoch(fixture.epoch)
                .allocationMapFile(fixture.pool.allocationMapFile()));
            try
            {
                write(fixture.cache, 3, 2 * PAGE, 9, 42);
                assertTrue(cp.start(Reason.COMMAND));
                final long deadlineNs = System.nanoTime() + 10_000_000_000L;
                while (cp.isRunning() && System.nanoTime() < deadlineNs)
                {
                    if (0 == cp.doWork(System.nanoTime()))
                    {
                        Thread.onSpinWait();
                    }
                }
                assertEquals(State.DONE, cp.state());
                assertEquals(42, fixture.recordedCpLsn());
                assertTrue(cp.lastDurationNs() > 0);
                assertArrayEquals(model, fixture.readPoolFile());
            }
            finally
            {
                cp.close();
            }
        }
    }
}
