package io.tandem.secondary.takeover;

import io.tandem.controller.pool.AllocationMap;
import io.tandem.controller.replay.PoolWriter;
import io.tandem.controller.replay.Replay;
import io.tandem.controller.replay.SortedBlockWriter;
import io.tandem.nvlog.LogRecord;
import io.tandem.nvlog.NvLog;
import io.tandem.nvlog.NvLogContext;
import io.tandem.nvlog.StreamPartitioner;
import io.tandem.staging.Durability;
import io.tandem.staging.NvramContext;
import io.tandem.staging.block.FileBlockDevice;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.stream.Stream;

/**
 * Runs a takeover's scan and replay ({@link MirrorScan}, {@link Replay} into a {@link SortedBlockWriter}) over a
 * small log of its own into a small volume file of its own, round after round, so that the JIT has compiled them
 * before a takeover needs them. A secondary that never took over ran them cold: in a pair, the scan and replay of a
 * full log half spent 35-60 ms walking the log and sorting in the interpreter and in code compiled on the way,
 * beside compiler threads that took a core from the replay (bench/README.md, "Takeover replay of a full NVLog").
 * <p>
 * The log has the default stream count and the records a client's random writes leave, whole blocks of 512 bytes
 * (and a few zeroings), so each call site sees the classes a real takeover brings it; nothing else is touched. Its
 * files live in a directory of their own, removed when done, and left over from a crash removed first. A failure is
 * kept, not thrown: a warm-up is never a reason to fail.
 * <p>
 * Thread-safe: {@link #run()} once, on its own thread; the figures after it from any thread.
 */
public final class ReplayWarmup implements Runnable
{
    /** Rounds of a scan and a replay: enough for the JIT's last tier to compile the loops. */
    public static final int ROUNDS = 12;

    static final int BLOCK_SIZE = 512;
    static final int VOLUME_BLOCKS = 8192;
    static final int RECORDS = 4000;
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
            delete(dir);
            Files.createDirectories(dir);
            warm();
        }
        catch (final IOException | RuntimeException ex)
        {
            failure = ex;
        }
        finally
        {
            try
            {
                delete(dir);
            }
            catch (final IOException | RuntimeException ex)
            {
                failure = null == failure ? ex : failure;
            }
            tookNs = System.nanoTime() - startNs;
        }
    }

    private void warm() throws IOException
    {
        try (NvLog log = NvLog.open(new NvLogContext().streamCount(STREAMS).stripeSize(STRIPE_SIZE)
            .maxPayloadLength(STRIPE_SIZE).nvram(new NvramContext().file(dir.resolve("nvram")).capacity(8 << 20)
                .durability(Durability.PROCESS).useAgentInvoker(true)));
            FileBlockDevice volume = FileBlockDevice.open(dir.resolve("volume"), BLOCK_SIZE, VOLUME_BLOCKS, true))
        {
            fill(log);
            final PoolWriter writer = new PoolWriter(volume, AllocationMap.allData(BLOCK_SIZE, VOLUME_BLOCKS));
            final AtomicLongArray progress = new AtomicLongArray(1);
            for (int round = 0; round < ROUNDS; round++)
            {
                final MirrorScan scan = new MirrorScan(STREAMS, 0).scan(log);
                final Replay replay = new Replay(new SortedBlockWriter(writer, volume), 0).progress(progress, 0)
                    .replay(log, Integer.MIN_VALUE, new LogRecord());
                if (null != scan.problem() || replay.records() != RECORDS)
                {
                    throw new IllegalStateException("the warm-up's own log replayed " + replay.records() + " of " +
                        RECORDS + " records: " + scan.problem());
                }
                rounds = round + 1;
            }
        }
    }

    /**
     * Random writes of one or two blocks, a zeroing in fifty, cut at stripes as a primary cuts them.
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
            final long offset = (long)random.nextInt(VOLUME_BLOCKS - 1) * BLOCK_SIZE;
            final long end = offset + (1 + random.nextInt(2)) * BLOCK_SIZE;
            for (long at = offset; at < end && lsn < RECORDS; )
            {
                final int piece = partitioner.pieceLength(at, end - at);
                final int stream = partitioner.streamOf(0, at);
                lsn++;
                payload.putLong(0, lsn);
                long ticket;
                while (NvLog.BACK_PRESSURED == (ticket = zero ?
                    log.appendZero(stream, nextSequence[stream], lsn, 1, 0, at, piece, LogRecord.FLAG_HOLE) :
                    log.appendWrite(stream, nextSequence[stream], lsn, 1, 0, at, payload, 0, piece)))
                {
                    log.device().awaitCompletion(lastTicket);
                }
                if (ticket < 0)
                {
                    throw new IllegalStateException("the warm-up's own log refused record " + lsn + ": " + ticket);
                }
                lastTicket = ticket;
                nextSequence[stream]++;
                at += piece;
            }
        }
        log.device().awaitCompletion(lastTicket);
    }

    private static void delete(final Path dir) throws IOException
    {
        if (!Files.exists(dir))
        {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir))
        {
            for (final Path path : (Iterable<Path>)paths.sorted(Comparator.reverseOrder())::iterator)
            {
                Files.deleteIfExists(path);
            }
        }
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
