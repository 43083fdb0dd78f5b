package io.tandem.secondary.takeover;

import io.tandem.controller.pool.AllocationMap;
import io.tandem.controller.replay.PoolWriter;
import io.tandem.controller.replay.Replay;
import io.tandem.controller.replay.ReplayPlan;
import io.tandem.nvlog.LogRecord;
import io.tandem.nvlog.NvLog;
import io.tandem.nvlog.NvLogContext;
import io.tandem.nvlog.StreamPartitioner;
import io.tandem.staging.Durability;
import io.tandem.staging.NvramContext;
import io.tandem.staging.block.FileBlockDevice;
import org.agrona.IoUtil;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Runs a takeover's scan, collect and replay ({@link MirrorScan}, {@link Replay} into a {@link ReplayPlan}, the plan
 * written) over a small log of its own into a small volume file of its own, round after round, so that the JIT has
 * compiled them before a takeover needs them. A secondary that never took over ran them cold: in a pair, the scan
 * and replay of a full log half spent 35-60 ms walking the log and sorting in the interpreter and in code compiled
 * on the way, beside compiler threads that took a core from the replay (bench/README.md, "Takeover replay of a full
 * NVLog").
 * <p>
 * The log has the default stream count and the records a client's random writes leave, whole blocks of 512 bytes,
 * with a few zeroings, writes of parts of blocks and CP markers, over both halves of the log, some of them below the
 * CP LSN: each call site sees the classes a real takeover brings it, and each branch a real log takes is taken, so
 * that the compiled code is not thrown away at the first record of a kind the warm-up never showed it (it was: the
 * scan's and the sort's, on a log with records below the CP LSN and a sort of more than 4096 blocks). Nothing else
 * is touched. Its files live in a directory of their own, removed when done, and left over from a crash removed
 * first. A failure is kept, not thrown: a warm-up is never a reason to fail.
 * <p>
 * Thread-safe: {@link #run()} once, on its own thread; the figures after it from any thread.
 */
public final class ReplayWarmup implements Runnable
{
    /** Rounds of a scan and a replay: enough for the JIT's last tier to compile the loops. */
    public static final int ROUNDS = 8;

    static final int BLOCK_SIZE = 512;
    static final int VOLUME_BLOCKS = 1 << 16;
    /** More blocks than the sort's smallest array it merges runs in (4096): a full log's path through it. */
    static final int RECORDS = 8000;
    /** Records at or below it are in the pool already: passed over, as a tenth of a real log's are. */
    static final long CP_LSN = RECORDS / 10;
    private static final int STREAMS = 8;
    private static final int STRIPE_SIZE = 8 * BLOCK_SIZE;

    private final Path dir;
    private volatile int rounds;
    private volatile long tookNs;
    private volatile Exception failure;

    /**
     * @param dir a directory for the warm-up's files alone: made, emptied first if it exists, and removed after.
     */
    public ReplayWarmup(final Path dir)
    {
        this.dir = dir;
    }

    public void run()
    {
        final long startNs = System.nanoTime();
        try
        {
            IoUtil.delete(dir.toFile(), false);
            Files.createDirectories(dir);
            warm();
        }
        catch (final Exception ex) // IoUtil rethrows an IOException unchecked
        {
            failure = ex;
        }
        finally
        {
            try
            {
                IoUtil.delete(dir.toFile(), false);
            }
            catch (final Exception ex) // IoUtil rethrows an IOException unchecked
            {
                failure = null == failure ? ex : failure;
            }
            tookNs = System.nanoTime() - startNs;
        }
    }

    private void warm() throws IOException
    {
        try (NvLog log = NvLog.open(new NvLogContext().streamCount(STREAMS).stripeSize(STRIPE_SIZE)
            .maxPayloadLength(STRIPE_SIZE).nvram(new NvramContext().file(dir.resolve("nvram")).capacity(10 << 20)
                .durability(Durability.PROCESS).useAgentInvoker(true)));
            FileBlockDevice volume = FileBlockDevice.open(dir.resolve("volume"), BLOCK_SIZE, VOLUME_BLOCKS, true))
        {
            fill(log);
            final PoolWriter writer = new PoolWriter(volume, AllocationMap.allData(BLOCK_SIZE, VOLUME_BLOCKS));
            for (int round = 0; round < ROUNDS; round++)
            {
                // each round on a thread of its own, as a takeover's steps run on the recovery engine's threads:
                // a thread's first gathering write makes the JDK its buffers, a path the compiled code must know
                final Exception[] failed = new Exception[1];
                final Thread thread = new Thread(() ->
                {
                    try
                    {
                        round(log, volume, writer);
                    }
                    catch (final IOException | RuntimeException ex)
                    {
                        failed[0] = ex;
                    }
                }, "tandem-replay-warmup-round");
                thread.start();
                try
                {
                    thread.join();
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", ex);
                }
                if (failed[0] instanceof IOException)
                {
                    throw (IOException)failed[0];
                }
                if (null != failed[0])
                {
                    throw (RuntimeException)failed[0];
                }
                rounds = round + 1;
            }
        }
    }

    private static void round(final NvLog log, final FileBlockDevice volume, final PoolWriter writer)
        throws IOException
    {
        final MirrorScan scan = new MirrorScan(STREAMS, CP_LSN).scan(log);
        final CollectedPlan collected = CollectedPlan.collect(log, CP_LSN, BLOCK_SIZE, SystemNanoClock.INSTANCE);
        collected.plan.execute(writer, volume, SystemNanoClock.INSTANCE, new AtomicLongArray(1), 0);
        if (null != scan.problem() || collected.records != RECORDS - CP_LSN)
        {
            throw new IllegalStateException("the warm-up's own log replayed " + collected.records + " of " +
                (RECORDS - CP_LSN) + " records: " + scan.problem());
        }
    }

    /**
     * Random writes of one or two blocks, a zeroing in fifty, a write of part of a block in two hundred, cut at
     * stripes as a primary cuts them; a CP marker every thousand records. Fills more than one half of the log.
     */
    private static void fill(final NvLog log)
    {
        final StreamPartitioner partitioner = log.partitioner();
        final long[] nextSequence = new long[STREAMS];
        java.util.Arrays.fill(nextSequence, 1);
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[2 * BLOCK_SIZE]);
        final SplittableRandom random = new SplittableRandom(17);
        long lsn = 0;
        long lastTicket = 0;
        while (lsn < RECORDS)
        {
            final boolean zero = 0 == random.nextInt(50);
            final boolean part = !zero && 0 == random.nextInt(200);
            final long offset = (long)random.nextInt(VOLUME_BLOCKS - 1) * BLOCK_SIZE + (part ? 100 : 0);
            final long end = offset + (part ? 200 : (1 + random.nextInt(2)) * BLOCK_SIZE);
            for (long at = offset; at < end && lsn < RECORDS; )
            {
                final int piece = partitioner.pieceLength(at, end - at);
                final int stream = partitioner.streamOf(0, at);
                lsn++;
                payload.putLong(0, lsn);
                final long sequence = nextSequence[stream]++;
                final long recordLsn = lsn;
                final long recordAt = at;
                lastTicket = append(log, lastTicket, () -> zero ?
                    log.appendZero(stream, sequence, recordLsn, 1, 0, recordAt, piece, LogRecord.FLAG_HOLE) :
                    log.appendWrite(stream, sequence, recordLsn, 1, 0, recordAt, payload, 0, piece));
                if (0 == lsn % 1000)
                {
                    lastTicket = append(log, lastTicket, () -> log.appendCpMarker(recordLsn, 1));
                }
                at += piece;
            }
        }
        log.device().awaitCompletion(lastTicket);
    }

    /**
     * @return the ticket of the append, made once the log takes it.
     */
    private static long append(final NvLog log, final long lastTicket, final java.util.function.LongSupplier append)
    {
        long ticket;
        while (NvLog.BACK_PRESSURED == (ticket = append.getAsLong()))
        {
            log.device().awaitCompletion(lastTicket);
        }
        if (ticket < 0)
        {
            throw new IllegalStateException("the warm-up's own log refused a record: " + ticket);
        }
        return ticket;
    }

    /**
     * @return rounds of a scan and a replay done.
     */
    public int rounds()
    {
        return rounds;
    }

    /**
     * @return how long the warm-up took, files included; 0 until it ends.
     */
    public long tookNs()
    {
        return tookNs;
    }

    /**
     * @return why the warm-up stopped early, or null.
     */
    public Exception failure()
    {
        return failure;
    }
}
