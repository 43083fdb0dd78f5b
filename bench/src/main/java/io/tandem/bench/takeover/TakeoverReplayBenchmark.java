package io.tandem.bench.takeover;

import io.tandem.bench.BenchFiles;
import io.tandem.controller.pool.AllocationMap;
import io.tandem.controller.pool.Ownership;
import io.tandem.controller.pool.Pool;
import io.tandem.controller.pool.PoolContext;
import io.tandem.nvlog.NvLog;
import io.tandem.nvlog.NvLogContext;
import io.tandem.nvlog.StreamPartitioner;
import io.tandem.secondary.takeover.Takeover;
import io.tandem.secondary.takeover.TakeoverContext;
import io.tandem.secondary.takeover.TakeoverResult;
import io.tandem.staging.Durability;
import io.tandem.staging.NvramContext;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * A takeover of a full mirror NVLog: the secondary's log (the controllers' default 256 MiB NVRAM, 8 streams) is
 * filled with {@code blockSize} writes until it refuses more, the pool's CP LSN is below all of them, and one
 * invocation is the whole {@link Takeover} (fence, scan and collect of every stream, replay, CP) into a 1 GiB
 * pool volume. Random 4 KiB writes are the worst case for the pool; 64 KiB and 1 MiB sequential writes
 * the best. A pool in use has its blocks allocated already; a fresh thin one makes the file system allocate every
 * block the replay writes.
 * <p>
 * The score is the time of one takeover; each invocation also prints the bytes replayed, each phase's time and
 * the replay rate from the scan's start to the replay's end ({@code takeover: ...} lines), which is the figure the
 * goal (1 GB/s or more) is about.
 * <pre>
 *   bench/run-jmh TakeoverReplay
 *   bench/run-jmh TakeoverReplay -p blockSize=4096 -p forcePool=true
 * </pre>
 */
@Fork(value = 1, jvmArgsAppend = {
    "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
    "-Xmx2g" })
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Thread)
public class TakeoverReplayBenchmark
{
    private static final int PARTNER_ID = 1;
    private static final int MY_ID = 2;
    private static final long VOLUME_BYTES = 1L << 30;
    private static final long NVRAM_BYTES = 256L << 20;

    /** Bytes of each write; 4 KiB at random block offsets, larger ones in sequence. */
    @Param({ "4096", "65536", "1048576" })
    int blockSize;

    /** Forces the pool at the takeover's CP, as a controller at {@link Durability#POWER} does. */
    @Param({ "false", "true" })
    boolean forcePool;

    /**
     * The volume's blocks were all written before (a pool in use, its blocks allocated and in the page cache), or
     * never (a fresh thin volume: every replayed block is a hole the file system allocates).
     */
    @Param({ "true", "false" })
    boolean poolInUse;

    private Path dir;
    private Pool pool;
    private NvLog mirror;
    private long bytesLogged;
    private TakeoverResult result;

    @Setup(Level.Invocation)
    public void setUp() throws IOException
    {
        dir = BenchFiles.newDirectory("takeover-replay");
        pool = Pool.open(new PoolContext().dir(dir.resolve("pool")).volumeSize(VOLUME_BYTES));
        if (poolInUse)
        {
            final ByteBuffer chunk = ByteBuffer.allocateDirect(1 << 20);
            final long blocksPerChunk = chunk.capacity() / pool.blockSize();
            for (long block = 0; block < pool.volume().blockCount(); block += blocksPerChunk)
            {
                pool.volume().write(block, chunk.clear());
            }
            pool.volume().flush();
        }
        mirror = NvLog.open(new NvLogContext()
            .nvram(new NvramContext().file(dir.resolve("mirror.nvram")).capacity(NVRAM_BYTES).useAgentInvoker(true)));
        bytesLogged = fill(mirror, blockSize);
        final Ownership ownership = new Ownership(pool.superblocks());
        final long epoch = ownership.take(PARTNER_ID, pool.superblocks().read());
        final AllocationMap map = AllocationMap.allData(pool.blockSize(), pool.volumeSize() / pool.blockSize());
        final long[] words = new long[map.wordCount()];
        map.copyTo(words);
        ownership.recordCheckpoint(epoch, 0, pool.allocationMapFile(), words);
    }

    /**
     * Appends writes until the log is full, as a partner that died just before its CP would leave it.
     *
     * @return bytes of the volume written.
     */
    static long fill(final NvLog log, final int blockSize)
    {
        final StreamPartitioner partitioner = log.partitioner();
        final int streams = partitioner.streamCount();
        final long[] nextSequence = new long[streams];
        Arrays.fill(nextSequence, 1);
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[blockSize]);
        final SplittableRandom random = new SplittableRandom(42);
        final long blocks = VOLUME_BYTES / blockSize;
        long bytes = 0;
        long lsn = 0;
        long lastTicket = 0;
        for (long i = 0; ; i++)
        {
            final long offset = (4096 == blockSize ? random.nextLong(blocks) : i % blocks) * blockSize;
            payload.putLong(0, offset);
            for (long at = offset, end = offset + blockSize; at < end; )
            {
                final int piece = partitioner.pieceLength(at, end - at);
                final int stream = partitioner.streamOf(0, at);
                long ticket;
                while ((ticket = log.appendWrite(stream, nextSequence[stream], lsn + 1, 1, 0, at, payload,
                    (int)(at - offset), piece)) == NvLog.BACK_PRESSURED)
                {
                    log.device().awaitCompletion(lastTicket);
                }
                if (NvLog.LOG_FULL == ticket)
                {
                    log.device().awaitCompletion(lastTicket);
                    return bytes;
                }
                if (ticket < 0)
                {
                    throw new IllegalStateException("the log refused record " + (lsn + 1) + ": " + ticket);
                }
                lastTicket = ticket;
                nextSequence[stream]++;
                lsn++;
                bytes += piece;
                at += piece;
            }
        }
    }

    @Benchmark
    public TakeoverResult takeover()
    {
        result = Takeover.run(new TakeoverContext()
            .pool(pool)
            .ownership(new Ownership(pool.superblocks()))
            .mirrorLog(mirror)
            .partnerMailbox(pool.mailbox(PARTNER_ID))
            .controllerId(MY_ID)
            .forcePool(forcePool));
        return result;
    }

    @TearDown(Level.Invocation)
    public void tearDown() throws IOException
    {
        try
        {
            if (null != result)
            {
                if (!result.passed())
                {
                    throw new IllegalStateException("takeover failed: " + result);
                }
                final long bytes = result.bytesReplayed();
                System.out.printf("%ntakeover: %d records, %.1f MiB replayed (%.1f MiB logged): fence %.1f ms, " +
                    "scan %.1f ms beside collecting %.1f ms, replay %.1f ms, cp %.1f ms; scan to replayed %.1f ms, " +
                    "%.2f GB/s%n", result.recordsReplayed(), bytes / 1048576.0, bytesLogged / 1048576.0,
                    result.fenceNs() / 1e6, result.scanNs() / 1e6, result.collectNs() / 1e6, result.replayNs() / 1e6,
                    result.cpNs() / 1e6, result.scanToReplayedNs() / 1e6, result.scanAndReplayBytesPerSecond() / 1e9);
                result = null;
            }
        }
        finally
        {
            mirror.close();
            pool.close();
            BenchFiles.delete(dir);
        }
    }
}
