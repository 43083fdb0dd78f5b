package io.tandem.secondary.takeover;

import io.tandem.controller.pool.MirrorState;
import io.tandem.controller.pool.Superblock;
import io.tandem.recovery.consumer.ConsumerState;
import io.tandem.recovery.consumer.WalkSnapshot;
import io.tandem.recovery.journal.EventJournal;
import io.tandem.recovery.journal.EventJournalContext;
import io.tandem.recovery.journal.EventJournalReader;
import io.tandem.recovery.journal.EventType;
import io.tandem.recovery.journal.JournalEvent;
import io.tandem.staging.testing.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static io.tandem.secondary.takeover.TakeoverFixture.MY_ID;
import static io.tandem.secondary.takeover.TakeoverFixture.PARTNER_ID;
import static io.tandem.secondary.takeover.TakeoverFixture.STREAMS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TakeoverTest
{
    @TempDir
    Path dir;

    @Test
    void replaysEveryStreamAboveTheCpLsnAndTakesACheckpoint() throws Exception
    {
        try (TakeoverFixture fixture = new TakeoverFixture(dir, -1))
        {
            final List<String> steps = new java.util.concurrent.CopyOnWriteArrayList<>();
            final TakeoverResult result = Takeover.run(fixture.context().stepHook(steps::add));

            assertTrue(result.passed(), result::toString);
            assertEquals(List.of(Takeover.FENCE, Takeover.LOAD_SUPERBLOCK), steps.subList(0, 2));
            assertEquals(Set.of(Takeover.SCAN, Takeover.COLLECT), Set.copyOf(steps.subList(2, 4)),
                "one scan and one collect of every stream, in either order");
            assertEquals(List.of(Takeover.REPLAY, Takeover.CONSISTENCY_POINT), steps.subList(4, 6));
            assertTrue(result.scanToReplayedNs() >= result.replayNs() && result.scanAndReplayBytesPerSecond() > 0,
                result::toString);
            assertEquals("takeover-epoch-1", result.operationId());
            assertEquals(1, result.previousEpoch());
            assertEquals(2, result.newEpoch());
            assertEquals(fixture.cpLsn, result.cpLsnBefore());
            assertEquals(fixture.maxLsn, result.cpLsnAfter());
            assertEquals(fixture.recordsAbove, result.recordsReplayed());
            assertTrue(fixture.recordsBelow > 0 && fixture.recordsAbove > 0);
            assertFalse(Arrays.equals(fixture.model, fixture.modelReplayingAll),
                "the records at or below the CP LSN must leave a mark if they are replayed");
            for (int s = 0; s < STREAMS; s++)
            {
                assertTrue(result.recordsReplayed(s) > 0, "stream " + s + " replayed nothing");
            }
            assertArrayEquals(fixture.model, fixture.volume(), "the pool is not the mirror replayed above the CP LSN");

            final Superblock superblock = fixture.pool.superblocks().read();
            assertEquals(2, superblock.epoch());
            assertEquals(MY_ID, superblock.owner());
            assertEquals(fixture.maxLsn, superblock.cpLsn());

            final List<JournalEvent> events = events();
            assertTrue(events.stream().anyMatch(e -> EventType.NOTE == e.type() &&
                e.detail().contains("consistency-point")), "the graph is printed in the journal");
            assertEquals(6, events.stream().filter(e -> EventType.CONSUMER_END == e.type() &&
                "DONE".equals(e.status()) && "takeover-epoch-1".equals(e.operation())).count());
            assertTrue(events.stream().anyMatch(e -> EventType.TAKEOVER_STEP == e.type() &&
                "takeover".equals(e.subject()) && "DONE".equals(e.status())));
        }
    }

    /**
     * Whole-block writes and zeroings on every stream, overlapping: the replay writes each block once, in volume
     * order, and a run of neighbouring blocks in one device write, across the stripes of different streams (a
     * stream's own stripes are never neighbours). The volume ends as a replay in log order leaves it.
     */
    @Test
    void writesTheBlocksOfEveryStreamInVolumeOrderJoiningNeighbouringStripes() throws Exception
    {
        final AtomicInteger writes = new AtomicInteger();
        final AtomicLong largest = new AtomicLong();
        try (TakeoverFixture fixture = new TakeoverFixture(dir, -1, -1, false, true, volume ->
            new CountingDevice(volume, writes, largest)))
        {
            writes.set(0);
            largest.set(0);

            final TakeoverResult result = Takeover.run(fixture.context());

            assertTrue(result.passed(), result::toString);
            assertArrayEquals(fixture.model, fixture.volume(), "the pool is not the mirror replayed in log order");
            assertTrue(writes.get() > 0 && writes.get() < fixture.recordsAbove,
                writes + " device writes for " + fixture.recordsAbove + " records");
            assertTrue(largest.get() > TakeoverFixture.STRIPE_SIZE, "no write joined two streams' stripes: the " +
                "largest was " + largest + " bytes");
        }
    }

    /**
     * The progress `ctl takeover` draws: read from another thread as the takeover runs. When the consistency point
     * starts, every scan and replay is done: the bytes to replay are the scans' and all are replayed.
     */
    @Test
    void reportsItsProgressStepByStepAndByBytesReplayed() throws Exception
    {
        try (TakeoverFixture fixture = new TakeoverFixture(dir, -1))
        {
            final java.util.Map<String, TakeoverProgress> seen = new ConcurrentHashMap<>();
            final Takeover[] running = new Takeover[1];
            final Takeover takeover = new Takeover(fixture.context().stepHook(step ->
                seen.put(step, running[0].progress())));
            running[0] = takeover;
            assertNull(takeover.progress(), "no progress before it runs");

            final TakeoverResult result = takeover.run();

            assertTrue(result.passed(), result::toString);
            final int steps = 6;
            final TakeoverProgress atFence = seen.get("fence");
            assertEquals(0, atFence.stepsDone());
            assertEquals(steps, atFence.steps());
            assertEquals("fence", atFence.running());
            assertEquals(0, atFence.bytesToReplay());

            final TakeoverProgress atCp = seen.get("consistency-point");
            assertEquals(steps - 1, atCp.stepsDone());
            assertEquals(result.bytesReplayed(), atCp.bytesToReplay());
            assertEquals(result.bytesReplayed(), atCp.bytesReplayed());
            assertTrue(atCp.bytesReplayed() > 0);
            assertEquals(1.0, atCp.fraction());
            assertEquals(steps, takeover.progress().stepsDone());
        }
    }

    /**
     * A step's timeout interrupts its thread, and an interrupt during FileChannel I/O closes that channel: once,
     * the pool's own, so every retry failed on a closed channel. The interrupt here arrives as the
     * consistency-point step begins its I/O.
     */
    @Test
    void aStepInterruptedMidIoLeavesThePoolUsableForTheRetry() throws Exception
    {
        try (TakeoverFixture fixture = new TakeoverFixture(dir, -1, -1, false))
        {
            final TakeoverResult interrupted = Takeover.run(fixture.context().stepHook(step ->
            {
                if (Takeover.CONSISTENCY_POINT.equals(step))
                {
                    Thread.currentThread().interrupt();
                }
            }));
            assertFalse(interrupted.passed(), interrupted::toString);
            assertEquals(Takeover.CONSISTENCY_POINT, interrupted.failedStep(), interrupted::toString);

            final TakeoverResult retried = Takeover.run(fixture.context());
            assertTrue(retried.passed(), retried::toString);
            assertArrayEquals(fixture.model, fixture.volume(), "the pool's own channel still reads the volume");
        }
    }

    @Test
    void anAutomaticTakeoverRefusesAStaleMirrorAndAForcedOneGoesAhead() throws Exception
    {
        try (TakeoverFixture fixture = new TakeoverFixture(dir, -1))
        {
            assertTrue(fixture.ownership.recordMirrorState(1, MirrorState.STALE, 0));

            final TakeoverResult refused = Takeover.run(fixture.context());
            assertFalse(refused.passed());
            assertEquals(Takeover.FENCE, refused.failedStep());
            assertInstanceOf(StaleMirrorException.class, refused.cause());
            assertTrue(refused.cause().getMessage().contains("would be lost"), refused.cause().getMessage());
            final Superblock untouched = fixture.pool.superblocks().read();
            assertEquals(1, untouched.epoch());
            assertEquals(PARTNER_ID, untouched.owner());
            assertArrayEquals(fixture.initialVolume(), fixture.volume());

            final TakeoverResult forced = Takeover.run(fixture.context().forced(true));
            assertTrue(forced.passed(), forced::toString);
            assertEquals(2, fixture.pool.superblocks().read().epoch());
            assertArrayEquals(fixture.model, fixture.volume());
        }
    }

    @Test
    void aGapInAStreamFailsTheTakeoverNamingTheStreamAndSequences() throws Exception
    {
        final int gapStream = 2;
        try (TakeoverFixture fixture = new TakeoverFixture(dir, gapStream))
        {
            final TakeoverResult result = Takeover.run(fixture.context());

            assertFalse(result.passed());
            assertEquals(Takeover.SCAN, result.failedStep());
            final MirrorGapException gap = assertInstanceOf(MirrorGapException.class, result.cause());
            assertEquals(gapStream, gap.stream());
            assertTrue(gap.getMessage().contains("stream " + gapStream) && gap.getMessage().contains("sequences"),
                gap.getMessage());
            assertEquals(ConsumerState.SKIPPED, result.snapshot().state(Takeover.REPLAY));
            assertEquals(ConsumerState.SKIPPED, result.snapshot().state(Takeover.CONSISTENCY_POINT));
            assertEquals(fixture.cpLsn, fixture.pool.superblocks().read().cpLsn(), "no checkpoint was taken");
            assertArrayEquals(fixture.initialVolume(), fixture.volume(),
                "the pool was written though the scan found the mirror not whole (collecting writes nothing)");
        }
    }

    @Test
    void aGapWellBelowTheCpLsnIsHarmlessAndNoted() throws Exception
    {
        final int gapStream = 1;
        try (TakeoverFixture fixture = new TakeoverFixture(dir, gapStream, 10))
        {
            final TakeoverResult result = Takeover.run(fixture.context());

            assertTrue(result.passed(), result::toString);
            assertArrayEquals(fixture.model, fixture.volume());
            assertTrue(events().stream().anyMatch(e -> EventType.TAKEOVER_STEP == e.type() &&
                Takeover.SCAN.equals(e.subject()) &&
                e.detail().contains("stream " + gapStream + ": 1 gaps below the CP LSN")));
        }
    }

    @Test
    void theFenceKillsAPartnerProcessThatStillRuns() throws Exception
    {
        try (TakeoverFixture fixture = new TakeoverFixture(dir, -1);
            ChildJvm partner = ChildJvm.start(PartnerChild.class, dir.resolve("partner.err"),
                fixture.pool.dir().toString(), String.valueOf(PARTNER_ID)))
        {
            assertEquals("ready", partner.readLine());
            assertEquals(partner.pid(), fixture.pool.mailbox(PARTNER_ID).read().pid());

            final TakeoverResult result = Takeover.run(fixture.context());

            assertTrue(result.passed(), result::toString);
            assertTrue(result.fenceDetail().contains("killed"), result.fenceDetail());
            assertFalse(ProcessHandle.of(partner.pid()).map(ProcessHandle::isAlive).orElse(false),
                "the partner still runs");
            assertArrayEquals(fixture.model, fixture.volume());
        }
    }

    /**
     * A primary hung half-way through a superblock change holds the pool's lock; once, the fence took the pool
     * (which waits for that lock) before it killed the partner, and waited for good.
     */
    @Test
    void theFenceKillsAPartnerHungHoldingThePoolsLockBeforeItTakesThePool() throws Exception
    {
        try (TakeoverFixture fixture = new TakeoverFixture(dir, -1);
            ChildJvm partner = ChildJvm.start(PartnerChild.class, dir.resolve("partner.err"),
                fixture.pool.dir().toString(), String.valueOf(PARTNER_ID), "hold-pool-lock"))
        {
            assertEquals("ready", partner.readLine());

            final TakeoverResult result = assertTimeoutPreemptively(java.time.Duration.ofSeconds(30),
                () -> Takeover.run(fixture.context()));

            assertTrue(result.passed(), result::toString);
            assertTrue(result.fenceDetail().contains("killed"), result.fenceDetail());
            assertArrayEquals(fixture.model, fixture.volume());
        }
    }

    @Test
    void aResumedTakeoverSkipsWhatTheJournalSaysWasDoneAndDoesNotBumpTheEpochAgain() throws Exception
    {
        try (TakeoverFixture fixture = new TakeoverFixture(dir, -1))
        {
            // the secondary fenced, loaded the superblock, scanned and collected, then crashed: the plan it
            // collected died with it, and the replay collects its own
            assertEquals(2, fixture.ownership.take(MY_ID, fixture.pool.superblocks().read()));
            final String operation = Takeover.operationId(1);
            fixture.journal.consumerEnd(operation, Takeover.FENCE, ConsumerState.DONE, 1, null);
            fixture.journal.consumerEnd(operation, Takeover.LOAD_SUPERBLOCK, ConsumerState.DONE, 1, null);
            fixture.journal.consumerEnd(operation, Takeover.SCAN, ConsumerState.DONE, 1, null);
            fixture.journal.consumerEnd(operation, Takeover.COLLECT, ConsumerState.DONE, 1, null);

            final Set<String> ran = ConcurrentHashMap.newKeySet();
            final TakeoverResult result;
            try (EventJournalReader reader = EventJournalReader.open(dir.resolve("journal")))
            {
                result = Takeover.run(fixture.context().journalReader(reader).stepHook(ran::add));
            }

            assertTrue(result.passed(), result::toString);
            assertEquals(operation, result.operationId());
            assertEquals(Set.of(Takeover.REPLAY, Takeover.CONSISTENCY_POINT), ran);
            assertEquals(fixture.recordsAbove, result.recordsReplayed(), "the replay counts what the scan did");
            final WalkSnapshot snapshot = result.snapshot();
            assertTrue(snapshot.status(Takeover.FENCE).resumed());
            assertTrue(snapshot.status(Takeover.SCAN).resumed());
            assertFalse(snapshot.status(Takeover.CONSISTENCY_POINT).resumed());
            assertNull(result.fenceDetail());

            final Superblock superblock = fixture.pool.superblocks().read();
            assertEquals(2, superblock.epoch(), "the resumed takeover bumped the epoch again");
            assertEquals(MY_ID, superblock.owner());
            assertEquals(fixture.maxLsn, superblock.cpLsn());
            assertArrayEquals(fixture.model, fixture.volume());
        }
    }

    /**
     * The replays wrote the pool and marked the allocation map, then the taker died before the CP recorded the map:
     * the resumed takeover skips the replays, so it reads the streams again for their marks alone. Without that,
     * the blocks they zeroed (marked, never written) would read back as the data they held before.
     */
    @Test
    void aResumedTakeoverMarksTheMapForTheReplaysItSkips() throws Exception
    {
        try (TakeoverFixture fixture = new TakeoverFixture(dir, -1))
        {
            // the walk before the crash: its steps' ends go to a journal of their own, as the crashed process's
            // DONE records for every step but the CP are written below (a failed walk would undo them)
            try (EventJournal scratch = EventJournal.open(
                new EventJournalContext().directory(dir.resolve("scratch-journal")).controllerId(MY_ID)))
            {
                final TakeoverResult crashed = Takeover.run(fixture.context().journal(scratch).stepHook(step ->
                {
                    if (Takeover.CONSISTENCY_POINT.equals(step))
                    {
                        throw new IllegalStateException("the taker dies before its CP");
                    }
                }));
                assertFalse(crashed.passed());
            }
            assertEquals(fixture.cpLsn, fixture.pool.superblocks().read().cpLsn());
            final String operation = Takeover.operationId(1);
            fixture.journal.consumerEnd(operation, Takeover.FENCE, ConsumerState.DONE, 1, null);
            fixture.journal.consumerEnd(operation, Takeover.LOAD_SUPERBLOCK, ConsumerState.DONE, 1, null);
            fixture.journal.consumerEnd(operation, Takeover.SCAN, ConsumerState.DONE, 1, null);
            fixture.journal.consumerEnd(operation, Takeover.COLLECT, ConsumerState.DONE, 1, null);
            fixture.journal.consumerEnd(operation, Takeover.REPLAY, ConsumerState.DONE, 1, null);

            final Set<String> ran = ConcurrentHashMap.newKeySet();
            final TakeoverResult result;
            try (EventJournalReader reader = EventJournalReader.open(dir.resolve("journal")))
            {
                result = Takeover.run(fixture.context().journalReader(reader).stepHook(ran::add));
            }
            assertTrue(result.passed(), result::toString);
            assertEquals(Set.of(Takeover.CONSISTENCY_POINT), ran, "only the CP ran again");
            assertEquals(fixture.maxLsn, fixture.pool.superblocks().read().cpLsn());
            assertArrayEquals(fixture.model, fixture.volume());
        }
    }

    @Test
    void aFenceRepeatedAfterACrashFindsThePoolOursAndDoesNotBumpTheEpoch() throws Exception
    {
        try (TakeoverFixture fixture = new TakeoverFixture(dir, -1))
        {
            assertEquals(2, fixture.ownership.take(MY_ID, fixture.pool.superblocks().read()));

            final TakeoverResult result = Takeover.run(fixture.context());

            assertTrue(result.passed(), result::toString);
            assertEquals("takeover-epoch-1", result.operationId());
            assertTrue(result.fenceDetail().contains("already"), result.fenceDetail());
            assertEquals(2, fixture.pool.superblocks().read().epoch());
            assertArrayEquals(fixture.model, fixture.volume());
        }
    }

    /**
     * Counts the writes of a device, gathering ones too, and keeps the largest.
     */
    private static final class CountingDevice implements io.tandem.staging.block.BlockDevice
    {
        private final io.tandem.staging.block.BlockDevice device;
        private final AtomicInteger writes;
        private final AtomicLong largest;

        CountingDevice(final io.tandem.staging.block.BlockDevice device, final AtomicInteger writes,
            final AtomicLong largest)
        {
            this.device = device;
            this.writes = writes;
            this.largest = largest;
        }

        public int blockSize()
        {
            return device.blockSize();
        }

        public long blockCount()
        {
            return device.blockCount();
        }

        public void read(final long blockIndex, final java.nio.ByteBuffer dst) throws java.io.IOException
        {
            device.read(blockIndex, dst);
        }

        public void write(final long blockIndex, final java.nio.ByteBuffer src) throws java.io.IOException
        {
            writes.incrementAndGet();
            largest.accumulateAndGet(src.remaining(), Math::max);
            device.write(blockIndex, src);
        }

        public boolean writeGathered(final long blockIndex, final java.nio.ByteBuffer[] srcs, final int offset,
            final int length) throws java.io.IOException
        {
            long bytes = 0;
            for (int i = offset; i < offset + length; i++)
            {
                bytes += srcs[i].remaining();
            }
            final boolean written = device.writeGathered(blockIndex, srcs, offset, length);
            if (written)
            {
                writes.incrementAndGet();
                largest.accumulateAndGet(bytes, Math::max);
            }
            return written;
        }

        public void flush() throws java.io.IOException
        {
            device.flush();
        }

        public void close() throws java.io.IOException
        {
            device.close();
        }
    }

    private List<JournalEvent> events()
    {
        try (EventJournalReader reader = EventJournalReader.open(dir.resolve("journal")))
        {
            return reader.readAll();
        }
    }
}
