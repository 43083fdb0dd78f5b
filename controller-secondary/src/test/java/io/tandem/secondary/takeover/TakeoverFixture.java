package io.tandem.secondary.takeover;

import io.tandem.nvlog.NvLog;
import io.tandem.nvlog.NvLogContext;
import io.tandem.nvlog.StreamPartitioner;
import io.tandem.controller.pool.AllocationMap;
import io.tandem.controller.pool.Ownership;
import io.tandem.controller.pool.Pool;
import io.tandem.controller.pool.PoolContext;
import io.tandem.recovery.journal.EventJournal;
import io.tandem.recovery.journal.EventJournalContext;
import io.tandem.staging.NvramContext;
import io.tandem.staging.block.BlockDevice;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.function.UnaryOperator;

/**
 * A pool owned by the partner (controller 1) in epoch 1 whose CP LSN is in the middle of a mirror log that holds
 * random WRITE and ZERO records on every stream, cut at stripe boundaries as the primary cuts them, and a model of
 * what the volume must hold once the records above the CP LSN are replayed.
 * <p>
 * The pool starts with a pattern no record writes, so a record at or below the CP LSN replayed by mistake shows.
 */
final class TakeoverFixture implements AutoCloseable
{
    static final int PARTNER_ID = 1;
    static final int MY_ID = 2;
    static final int BLOCK_SIZE = 4096;
    static final int STRIPE_SIZE = 8192;
    static final int STREAMS = 4;
    static final int VOLUME_SIZE = 256 * 1024;
    static final int OPERATIONS = 120;

    final Path dir;
    final boolean wholeBlocks;
    final Pool pool;
    final Ownership ownership;
    final NvLog mirror;
    final EventJournal journal;
    final byte[] model = new byte[VOLUME_SIZE];
    /** What the volume would hold if the records at or below the CP LSN were replayed too. */
    final byte[] modelReplayingAll = new byte[VOLUME_SIZE];
    final long cpLsn;
    long maxLsn;
    long recordsAbove;
    long recordsBelow;

    /**
     * @param gapStream a stream whose first record above the CP LSN goes missing from the mirror, or -1.
     */
    TakeoverFixture(final Path dir, final int gapStream) throws IOException
    {
        this(dir, gapStream, -1);
    }

    /**
     * @param gapStream   a stream one of whose records goes missing from the mirror, or -1.
     * @param gapAfterLsn the missing record is the stream's first above this LSN; -1 for above the CP LSN.
     */
    TakeoverFixture(final Path dir, final int gapStream, final long gapAfterLsn) throws IOException
    {
        this(dir, gapStream, gapAfterLsn, true);
    }

    /**
     * @param mappedVolume the pool's volume as the controllers open it by default (mapped), or through plain
     *                     reads and writes of its file channel.
     */
    TakeoverFixture(final Path dir, final int gapStream, final long gapAfterLsn, final boolean mappedVolume)
        throws IOException
    {
        this(dir, gapStream, gapAfterLsn, mappedVolume, false, UnaryOperator.identity());
    }

    /**
     * @param wholeBlocks  every write and zeroing covers whole blocks (as most clients' do), so the replay collects
     *                     and sorts them all; else any bytes, most of them parts of blocks.
     * @param volumeWrapper wraps the pool's volume as every opener sees it, the takeover's too.
     */
    TakeoverFixture(
        final Path dir,
        final int gapStream,
        final long gapAfterLsn,
        final boolean mappedVolume,
        final boolean wholeBlocks,
        final UnaryOperator<BlockDevice> volumeWrapper)
        throws IOException
    {
        this.dir = dir;
        this.wholeBlocks = wholeBlocks;
        pool = Pool.open(new PoolContext().dir(dir.resolve("pool")).volumeSize(VOLUME_SIZE).blockSize(BLOCK_SIZE)
            .mappedVolume(mappedVolume).volumeWrapper(volumeWrapper));
        ownership = new Ownership(pool.superblocks());
        mirror = NvLog.open(new NvLogContext().streamCount(STREAMS).stripeSize(STRIPE_SIZE)
            .maxPayloadLength(STRIPE_SIZE)
            .nvram(new NvramContext().file(dir.resolve("mirror.nvram")).capacity(4 << 20).blockSize(512)
                .regionSize(4096).useAgentInvoker(true)));
        journal = EventJournal.open(new EventJournalContext().directory(dir.resolve("journal")).controllerId(MY_ID));

        for (int i = 0; i < VOLUME_SIZE; i++)
        {
            model[i] = initialByte(i);
            modelReplayingAll[i] = initialByte(i);
        }
        pool.volume().write(0, ByteBuffer.wrap(model.clone()));
        pool.volume().flush();

        final Random random = new Random(42);
        final StreamPartitioner partitioner = mirror.partitioner();
        final long[] nextSequence = new long[STREAMS];
        Arrays.fill(nextSequence, 1);
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[STRIPE_SIZE]);
        cpLsn = countPieces(new Random(42), partitioner, wholeBlocks) / 2;
        final long gapAfter = -1 == gapAfterLsn ? cpLsn : gapAfterLsn;
        boolean gapMade = false;
        long lsn = 0;
        for (int op = 0; op < OPERATIONS; op++)
        {
            final boolean zero = random.nextInt(4) == 0;
            final long length = length(random, zero, wholeBlocks);
            final long offset = offset(random, length, wholeBlocks);
            for (long at = offset, end = offset + length; at < end; )
            {
                final int piece = partitioner.pieceLength(at, end - at);
                final int stream = partitioner.streamOf(0, at);
                lsn++;
                final long sequence = nextSequence[stream]++;
                if (!zero)
                {
                    random.nextBytes(payload.byteArray());
                }
                if (stream == gapStream && lsn > gapAfter && !gapMade)
                {
                    gapMade = true; // lost on the way to the mirror
                }
                else
                {
                    final long ticket = zero ?
                        mirror.appendZero(stream, sequence, lsn, 1, 0, at, piece, (short)(lsn % 2)) :
                        mirror.appendWrite(stream, sequence, lsn, 1, 0, at, payload, 0, piece);
                    if (ticket < 0)
                    {
                        throw new IllegalStateException("mirror log refused record " + lsn + ": " + ticket);
                    }
                    mirror.device().awaitCompletion(ticket);
                }
                for (int i = 0; i < piece; i++)
                {
                    modelReplayingAll[(int)at + i] = zero ? 0 : payload.getByte(i);
                }
                if (lsn > cpLsn)
                {
                    recordsAbove++;
                    for (int i = 0; i < piece; i++)
                    {
                        model[(int)at + i] = zero ? 0 : payload.getByte(i);
                    }
                }
                else
                {
                    recordsBelow++;
                }
                at += piece;
            }
        }
        maxLsn = lsn;

        if (PARTNER_ID != pool.superblocks().read().owner())
        {
            final long epoch = ownership.take(PARTNER_ID, pool.superblocks().read());
            // the pool holds the initial pattern in every block: data
            final AllocationMap data = AllocationMap.allData(BLOCK_SIZE, VOLUME_SIZE / BLOCK_SIZE);
            final long[] words = new long[data.wordCount()];
            data.copyTo(words);
            ownership.recordCheckpoint(epoch, cpLsn, pool.allocationMapFile(), words);
        }
    }

    /**
     * @return how many records the operations make, so the CP LSN can be put in the middle.
     */
    private static long countPieces(final Random random, final StreamPartitioner partitioner, final boolean wholeBlocks)
    {
        long pieces = 0;
        final byte[] ignored = new byte[STRIPE_SIZE];
        for (int op = 0; op < OPERATIONS; op++)
        {
            final boolean zero = random.nextInt(4) == 0;
            final long length = length(random, zero, wholeBlocks);
            final long offset = offset(random, length, wholeBlocks);
            for (long at = offset, end = offset + length; at < end; )
            {
                at += partitioner.pieceLength(at, end - at);
                pieces++;
                if (!zero)
                {
                    random.nextBytes(ignored);
                }
            }
        }
        return pieces;
    }

    private static long length(final Random random, final boolean zero, final boolean wholeBlocks)
    {
        if (wholeBlocks)
        {
            return (long)(1 + random.nextInt(zero ? 5 : 12)) * BLOCK_SIZE;
        }
        return zero ? 1 + random.nextInt(20_000) : 1 + random.nextInt(6_000);
    }

    private static long offset(final Random random, final long length, final boolean wholeBlocks)
    {
        if (wholeBlocks)
        {
            return (long)random.nextInt((int)((VOLUME_SIZE - length) / BLOCK_SIZE) + 1) * BLOCK_SIZE;
        }
        return random.nextInt((int)(VOLUME_SIZE - length));
    }

    static byte initialByte(final int i)
    {
        return (byte)(0x5A ^ (i * 7));
    }

    TakeoverContext context()
    {
        return new TakeoverContext()
            .pool(pool)
            .ownership(ownership)
            .mirrorLog(mirror)
            .partnerMailbox(pool.mailbox(PARTNER_ID))
            .journal(journal)
            .controllerId(MY_ID);
    }

    /**
     * @return what reading the volume returns now: the pool's blocks, and zeroes where its allocation map (as of
     * the superblock's CP LSN) says a block reads as zeroes.
     */
    byte[] volume() throws IOException
    {
        final ByteBuffer bytes = ByteBuffer.allocate(VOLUME_SIZE);
        pool.volume().read(0, bytes);
        final AllocationMap map = pool.loadAllocationMap(pool.superblocks().read());
        for (int block = 0; block < VOLUME_SIZE / BLOCK_SIZE; block++)
        {
            if (map.readsZero(block))
            {
                Arrays.fill(bytes.array(), block * BLOCK_SIZE, (block + 1) * BLOCK_SIZE, (byte)0);
            }
        }
        return bytes.array();
    }

    byte[] initialVolume()
    {
        final byte[] initial = new byte[VOLUME_SIZE];
        for (int i = 0; i < VOLUME_SIZE; i++)
        {
            initial[i] = initialByte(i);
        }
        return initial;
    }

    public void close() throws IOException
    {
        journal.close();
        mirror.close();
        pool.close();
    }
}
