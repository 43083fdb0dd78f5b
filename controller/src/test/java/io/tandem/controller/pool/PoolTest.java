package io.tandem.controller.pool;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PoolTest
{
    @TempDir
    Path dir;

    private final AtomicLong nowMs = new AtomicLong(1_000);

    private PoolContext ctx()
    {
        return new PoolContext().dir(dir.resolve("pool")).volumeSize(1 << 20).epochClock(nowMs::get);
    }

    /**
     * @return the words of a map of {@code pool} with every block a hole.
     */
    static long[] words(final Pool pool)
    {
        final AllocationMap map = AllocationMap.allHoles(pool.blockSize(), pool.volumeSize() / pool.blockSize());
        final long[] words = new long[map.wordCount()];
        map.copyTo(words);
        return words;
    }

    @Test
    void aNewPoolIsOwnedByNobodyAtEpochZeroAndKeepsItsVolume() throws IOException
    {
        try (Pool pool = Pool.open(ctx()))
        {
            final Superblock superblock = pool.superblocks().read();
            assertEquals(0, superblock.epoch());
            assertEquals(Superblock.NO_OWNER, superblock.owner());
            assertEquals(0, superblock.cpLsn());
            assertEquals(MirrorState.SYNCING, superblock.mirrorState(), "a new pool holds every write itself");
            assertEquals(0, superblock.mirrorGeneration());
            assertEquals(256, pool.volume().blockCount());
            final ByteBuffer block = ByteBuffer.allocate(4096);
            block.put(0, (byte)42);
            pool.volume().write(7, block);
        }
        try (Pool pool = Pool.open(ctx()))
        {
            final ByteBuffer block = ByteBuffer.allocate(4096);
            pool.volume().read(7, block);
            assertEquals(42, block.get(0));
        }
    }

    /**
     * Once, two controllers started together on a new pool both wrote its layout through one temporary name, and
     * the second rename failed: `bench/nbd-compare` saw "cannot start controller 0: .../pool/layout.tmp ->
     * .../pool/layout". Two threads stand for the two controllers, on many fresh pools.
     */
    @Test
    void controllersCreatingAPoolTogetherBothOpenIt() throws Exception
    {
        for (int round = 0; round < 100; round++)
        {
            final Path poolDir = dir.resolve("pool-" + round);
            final java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(2);
            final java.util.concurrent.Callable<Void> open = () ->
            {
                together.await();
                Pool.open(new PoolContext().dir(poolDir).volumeSize(1 << 20).epochClock(nowMs::get)).close();
                return null;
            };
            final java.util.concurrent.ExecutorService controllers =
                java.util.concurrent.Executors.newFixedThreadPool(2);
            try
            {
                final List<java.util.concurrent.Future<Void>> opened = controllers.invokeAll(List.of(open, open));
                for (final java.util.concurrent.Future<Void> one : opened)
                {
                    one.get();
                }
            }
            finally
            {
                controllers.shutdownNow();
            }
            try (java.util.stream.Stream<Path> files = Files.list(poolDir))
            {
                assertTrue(files.noneMatch(file -> file.toString().endsWith(".tmp")), "no temporary file is left");
            }
        }
    }

    /**
     * Once, the handover recorded SYNCING: the old primary, just turned secondary, then took the pool back from a
     * partner whose role change (no heartbeats, no paths yet) outlasted the staleness limit, and fenced a live
     * controller (QemuRideThroughTest, under CI load). The mirror state and generation stay as they were: the old
     * primary holds no generation, so it refuses until the new primary's own start records SYNCING.
     */
    @Test
    void handingThePoolOverKeepsTheMirrorStateAndFencesTheGiver() throws IOException
    {
        try (Pool pool = Pool.open(ctx()))
        {
            final Ownership ownership = new Ownership(pool.superblocks());
            final long epoch = ownership.take(0, pool.superblocks().read());
            assertTrue(ownership.recordMirrorState(epoch, MirrorState.IN_SYNC, epoch));

            final long handed = ownership.handOver(epoch, 1);
            assertEquals(epoch + 1, handed);
            final Superblock superblock = pool.superblocks().read();
            assertEquals(1, superblock.owner());
            assertEquals(MirrorState.IN_SYNC, superblock.mirrorState());
            assertEquals(epoch, superblock.mirrorGeneration(), "the generation only the partner holds");
            assertTrue(ownership.owns(1, handed), "the partner serves at the handed epoch as it is");
            assertTrue(ownership.isFenced(epoch), "the giver keeps its own epoch, which the handed one fences");
            assertFalse(ownership.recordCheckpoint(epoch, 10, pool.allocationMapFile(), words(pool)));
            assertEquals(-1, ownership.handOver(epoch, 1), "a second handover from the old epoch is refused");
        }
    }

    @Test
    void takingOwnershipBumpsTheEpochAndFencesTheFormerOwner() throws IOException
    {
        try (Pool pool = Pool.open(ctx()))
        {
            final Ownership ownership = new Ownership(pool.superblocks());
            final long first = ownership.take(0, pool.superblocks().read());
            assertEquals(1, first);
            assertTrue(ownership.owns(0, first));
            assertFalse(ownership.isFenced(first));
            assertTrue(ownership.recordCheckpoint(first, 100, pool.allocationMapFile(), words(pool)));

            nowMs.set(2_000);
            final long second = ownership.take(1, pool.superblocks().read());
            assertEquals(2, second);
            assertTrue(ownership.isFenced(first), "the old owner sees a newer age");
            assertFalse(ownership.owns(0, first));
            assertFalse(ownership.recordCheckpoint(first, 200, pool.allocationMapFile(), words(pool)),
                "a fenced controller records no checkpoint");
            assertFalse(ownership.recordMirrorState(first, MirrorState.STALE, 0));

            final Superblock superblock = pool.superblocks().read();
            assertEquals(100, superblock.cpLsn());
            assertEquals(1, superblock.owner());
            assertEquals(2_000, superblock.updatedMs());
            assertEquals(MirrorState.SYNCING, superblock.mirrorState(), "taking the pool keeps the mirror state");
        }
    }

    @Test
    void takingThePoolIsACompareAndSetOfWhatTheCallerDecidedOn() throws IOException
    {
        try (Pool pool = Pool.open(ctx()))
        {
            final Ownership ownership = new Ownership(pool.superblocks());
            final long first = ownership.take(0, pool.superblocks().read());
            assertTrue(ownership.recordMirrorState(first, MirrorState.IN_SYNC, first));
            final Superblock decidedOn = pool.superblocks().read();

            assertTrue(ownership.recordMirrorState(first, MirrorState.STALE, 0), "a record lands in between");
            assertEquals(-1, ownership.take(1, decidedOn), "the mirror state moved: the take is refused");
            assertEquals(0, pool.superblocks().read().owner());

            final long second = ownership.take(1, pool.superblocks().read());
            assertEquals(first + 1, second);
            assertEquals(MirrorState.STALE, pool.superblocks().read().mirrorState());
            assertEquals(-1, ownership.take(0, decidedOn), "an old read never takes the pool");
        }
    }

    @Test
    void aNewGenerationRecordsThatThePoolAloneHoldsEveryWrite() throws IOException
    {
        try (Pool pool = Pool.open(ctx()))
        {
            final Ownership ownership = new Ownership(pool.superblocks());
            final long first = ownership.take(0, pool.superblocks().read());
            assertTrue(ownership.recordMirrorState(first, MirrorState.IN_SYNC, first));
            assertEquals(first, pool.superblocks().read().mirrorGeneration());

            final long next = ownership.startGeneration(0, first);
            assertEquals(first + 1, next);
            final Superblock superblock = pool.superblocks().read();
            assertEquals(MirrorState.SYNCING, superblock.mirrorState());
            assertEquals(0, superblock.mirrorGeneration());
            assertEquals(-1, ownership.startGeneration(1, next), "only the owner starts a generation");
            assertEquals(-1, ownership.startGeneration(0, first), "nor in an epoch it no longer has");
        }
    }

    @Test
    void aControllerWhosePairSettingsDifferFromThePoolsIsRefusedAtOpen() throws IOException
    {
        final PairSettings settings = new PairSettings(65536, 4, 64L << 20, 100, 1000);
        Pool.open(ctx().pairSettings(settings)).close();
        Pool.open(ctx().pairSettings(settings)).close();
        final PoolFormatException refused = assertThrows(PoolFormatException.class,
            () -> Pool.open(ctx().pairSettings(new PairSettings(65536, 8, 64L << 20, 100, 5000))));
        assertTrue(refused.getMessage().contains("stream count is 4 in the pool but configured 8"),
            refused.getMessage());
        assertTrue(refused.getMessage().contains("partner stale ms is 1000 in the pool but configured 5000"),
            refused.getMessage());
    }

    @Test
    void concurrentChangesFromTwoStoresAreSerialised() throws Exception
    {
        try (Pool pool = Pool.open(ctx()))
        {
            final SuperblockStore a = new SuperblockStore(pool.dir(), nowMs::get);
            final SuperblockStore b = new SuperblockStore(pool.dir(), nowMs::get);
            final List<Thread> threads = new ArrayList<>();
            for (final SuperblockStore store : List.of(a, b))
            {
                threads.add(new Thread(() ->
                {
                    for (int i = 0; i < 50; i++)
                    {
                        try
                        {
                            store.update(s ->
                            {
                                s.cpLsn(s.cpLsn() + 1);
                                return true;
                            });
                        }
                        catch (final IOException ex)
                        {
                            throw new RuntimeException(ex);
                        }
                    }
                }));
            }
            threads.forEach(Thread::start);
            for (final Thread thread : threads)
            {
                thread.join();
            }
            assertEquals(100, pool.superblocks().read().cpLsn(), "no change was lost");
            assertEquals(100, pool.superblocks().read().updateCount());
        }
    }

    @Test
    void aDamagedSuperblockIsRefusedAndLeftUnchanged() throws IOException
    {
        Pool.open(ctx()).close();
        final Path file = dir.resolve("pool").resolve(SuperblockStore.FILE_NAME);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE))
        {
            channel.write(ByteBuffer.wrap(new byte[] {9}), Superblock.CP_LSN_OFFSET);
        }
        final byte[] before = Files.readAllBytes(file);
        final PoolFormatException ex = assertThrows(PoolFormatException.class, () -> Pool.open(ctx()));
        assertTrue(ex.getMessage().contains(file.toString()) && ex.getMessage().contains("damaged"), ex.getMessage());
        assertArrayEquals(before, Files.readAllBytes(file));
    }

    @Test
    void aPoolOfAnotherClusterOrGeometryIsRefused() throws IOException
    {
        Pool.open(ctx()).close();
        final PoolFormatException cluster = assertThrows(PoolFormatException.class,
            () -> Pool.open(ctx().clusterId(99)));
        assertTrue(cluster.getMessage().contains("cluster"), cluster.getMessage());
        final PoolFormatException size = assertThrows(PoolFormatException.class,
            () -> Pool.open(ctx().volumeSize(2 << 20)));
        assertTrue(size.getMessage().contains("configured"), size.getMessage());
        assertThrows(PoolFormatException.class, () -> Pool.open(ctx().dir(dir.resolve("none"))
            .createIfMissing(false)));
    }

    @Test
    void aMailboxCarriesTheHeartbeatAndATornOneReadsAsNone() throws IOException
    {
        try (Pool pool = Pool.open(ctx());
            MailboxFile writer = pool.mailbox(0);
            MailboxFile reader = pool.mailbox(0))
        {
            assertNull(reader.read());
            writer.beat(0, MailboxFile.ROLE_PRIMARY, 3, 5_000);
            writer.beat(0, MailboxFile.ROLE_PRIMARY, 3, 5_100);
            final Mailbox mailbox = reader.read();
            assertEquals(0, mailbox.controllerId());
            assertEquals(MailboxFile.ROLE_PRIMARY, mailbox.role());
            assertEquals(ProcessHandle.current().pid(), mailbox.pid());
            assertEquals(3, mailbox.epoch());
            assertEquals(5_100, mailbox.heartbeatMs());
            assertEquals(2, mailbox.heartbeatCount());

            try (FileChannel channel = FileChannel.open(writer.file(), StandardOpenOption.WRITE))
            {
                channel.write(ByteBuffer.wrap(new byte[] {1, 2, 3}), Mailbox.HEARTBEAT_MS_OFFSET);
            }
            assertNull(reader.read(), "a torn mailbox is never believed");
        }
    }

    @Test
    void anArrayPoolKeepsItsLayoutAndIsAssembledOnlyAtTheFirstIoOfItsOwner() throws IOException
    {
        final PoolContext raid = ctx().layout(io.tandem.raid.ArraySpec.parse("raid1:2"));
        try (Pool pool = Pool.open(raid))
        {
            assertEquals("raid1:2", pool.layout().toString());
            assertFalse(Files.exists(dir.resolve("pool").resolve("disk-0.img")), "opening assembles nothing");
            final io.tandem.staging.block.BlockDevice handle = pool.openVolume();
            assertNull(pool.arrays(), "a takeover opens the volume before its fence: nothing is written yet");
            assertEquals(0, pool.resyncDirtyRegions());
            assertTrue(Files.exists(dir.resolve("pool").resolve("disk-0.img")));
            handle.close(); // closes the array the resync assembled for the handle's holder, though the handle did
                            // no I/O of its own
            assertNull(pool.arrays());
            final ByteBuffer block = ByteBuffer.allocate(4096);
            block.putLong(0, 42L);
            pool.volume().write(3, block);
            assertTrue(null != pool.arrays());
        }
        try (Pool pool = Pool.open(ctx()))
        {
            assertEquals("raid1:2", pool.layout().toString(), "left out, the layout is the pool's own");
            final ByteBuffer read = ByteBuffer.allocate(4096);
            pool.volume().read(3, read);
            assertEquals(42L, read.getLong(0));
        }
        final PoolFormatException other = assertThrows(PoolFormatException.class,
            () -> Pool.open(ctx().layout(io.tandem.raid.ArraySpec.parse("raid5:3"))));
        assertTrue(other.getMessage().contains("raid1:2") && other.getMessage().contains("raid5:3"),
            other.getMessage());
        final PoolFormatException moved = assertThrows(PoolFormatException.class,
            () -> Pool.open(ctx().memberLocations(java.util.Map.of("disk-0.img", dir.resolve("elsewhere.img")))));
        assertTrue(moved.getMessage().contains("--pool-member"), moved.getMessage());
    }
}
