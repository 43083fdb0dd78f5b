package io.tandem.bench.takeover;

import io.tandem.bench.BenchFiles;
import io.tandem.nvlog.LogRecord;
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

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

/**
 * What a takeover's replay of a full log half cannot beat on this machine: the work left when the log is read
 * once and the pool written once, each by one thread, with nothing else of the takeover around it.
 * <p>
 * The log half is what {@code bench/failover --full-log} leaves: 128 MiB of staging memory holding 30,000 records
 * of 4 KiB (header and payload, {@link LogRecord} layout), written by fio at distinct random blocks of the last 960
 * MiB of a 1 GiB volume. One invocation is one of:
 * <ul>
 *   <li>{@code walkHeaders}: reads each record's type, stream, LSN and offset, in log order (what finding the
 *   records costs);</li>
 *   <li>{@code crc}: CRC32C of the whole 128 MiB (what checking every record again would cost);</li>
 *   <li>{@code copyToRuns}: the payloads copied into a 1 MiB buffer, sorted by block (the copy a sorted replay
 *   makes before each {@code pwrite});</li>
 *   <li>{@code pwriteSorted}: the payloads sorted by block, adjacent blocks copied into one buffer of up to 1 MiB
 *   and written with one {@code pwrite}, into the pool file (the page cache);</li>
 *   <li>{@code pwritevSorted}: the same, each run written with one gathering {@code writev} from where the payloads
 *   lie, no copy;</li>
 *   <li>{@code pwriteLogOrder}: one {@code pwrite} per record, in log order, from where the payload lies;</li>
 *   <li>{@code pwriteSortedTwoThreads}: as {@code pwriteSorted}, the lower and the upper half of the volume each
 *   written by a thread of its own, both at once (the buffered writes of one file take its inode lock).</li>
 * </ul>
 * The pool file is a fresh sparse one per invocation ({@code poolInUse=false}: the file system allocates every
 * block) or one whose blocks were all written and forced before ({@code true}).
 * <pre>
 *   bench/run-jmh ReplayBound
 * </pre>
 */
@Fork(value = 1, jvmArgsAppend = { "-Xmx2g" })
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Thread)
public class ReplayBoundBenchmark
{
    private static final int BLOCK = 4096;
    private static final long VOLUME_BYTES = 1L << 30;
    private static final long FIRST_BLOCK = (64L << 20) / BLOCK;
    private static final int LOG_BYTES = 128 << 20;
    private static final int RECORDS = 30_000;
    private static final int RECORD_LENGTH = LogRecord.alignedLength(BLOCK);
    private static final int RUN_LENGTH = 1 << 20;

    @Param({ "true", "false" })
    boolean poolInUse;

    private Path dir;
    private ByteBuffer log;
    private final LogRecord record = new LogRecord();
    /** Block of each record, in log order. */
    private final long[] blockOf = new long[RECORDS];
    /** Block (high bits) and record index (low 20 bits) of each record, sorted by block. */
    private long[] sorted;
    private ByteBuffer run;
    private ByteBuffer[] iov;
    private FileChannel pool;
    private int file;

    @Setup(Level.Trial)
    public void setUpTrial() throws IOException
    {
        dir = BenchFiles.newDirectory("replay-bound");
        log = ByteBuffer.allocateDirect(LOG_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        final org.agrona.concurrent.UnsafeBuffer view = new org.agrona.concurrent.UnsafeBuffer(log);
        final SplittableRandom random = new SplittableRandom(42);
        final java.util.BitSet used = new java.util.BitSet();
        final long blocks = VOLUME_BYTES / BLOCK - FIRST_BLOCK;
        sorted = new long[RECORDS];
        for (int i = 0; i < RECORDS; i++)
        {
            long block;
            do
            {
                block = FIRST_BLOCK + random.nextLong(blocks);
            }
            while (used.get((int)block));
            used.set((int)block);
            blockOf[i] = block;
            sorted[i] = block << 20 | i;
            record.wrap(view, i * RECORD_LENGTH).header(io.tandem.nvlog.RecordType.WRITE, (short)0, (int)(block % 8),
                i, i + 1, 1, 0, block * BLOCK, BLOCK);
            view.setMemory(record.payloadOffset(), BLOCK, (byte)i);
        }
        Arrays.sort(sorted);
        run = ByteBuffer.allocateDirect(RUN_LENGTH);
        iov = new ByteBuffer[RUN_LENGTH / BLOCK];
        for (int i = 0; i < iov.length; i++)
        {
            iov[i] = log.duplicate();
        }
        if (poolInUse)
        {
            pool = newPool();
            final ByteBuffer chunk = ByteBuffer.allocateDirect(RUN_LENGTH);
            for (long at = 0; at < VOLUME_BYTES; at += RUN_LENGTH)
            {
                pool.write(chunk.clear(), at);
            }
            pool.force(true);
        }
    }

    private FileChannel newPool() throws IOException
    {
        final FileChannel channel = FileChannel.open(dir.resolve("pool-" + file++), CREATE_NEW, READ, WRITE);
        channel.write(ByteBuffer.allocate(1), VOLUME_BYTES - 1);
        return channel;
    }

    @Setup(Level.Invocation)
    public void setUp() throws IOException
    {
        if (poolInUse)
        {
            pool.force(true); // the blocks clean, as a pool's after its last CP
        }
        else
        {
            pool = newPool();
        }
    }

    @TearDown(Level.Invocation)
    public void tearDown() throws IOException
    {
        if (!poolInUse)
        {
            pool.close();
            java.nio.file.Files.delete(dir.resolve("pool-" + (file - 1)));
        }
    }

    @TearDown(Level.Trial)
    public void tearDownTrial() throws IOException
    {
        if (poolInUse)
        {
            pool.close();
        }
        BenchFiles.delete(dir);
    }

    @Benchmark
    public long walkHeaders()
    {
        final org.agrona.concurrent.UnsafeBuffer view = new org.agrona.concurrent.UnsafeBuffer(log);
        long sum = 0;
        for (int at = 0, end = RECORDS * RECORD_LENGTH; at < end; )
        {
            record.wrap(view, at);
            sum += record.type() + record.stream() + record.lsn() + record.volumeOffset();
            at += record.alignedLength();
        }
        return sum;
    }

    @Benchmark
    public long crc()
    {
        final CRC32C crc = new CRC32C();
        crc.update(log.duplicate().clear());
        return crc.getValue();
    }

    @Benchmark
    public int copyToRuns()
    {
        int runs = 0;
        int inRun = 0;
        for (final long entry : sorted)
        {
            if (inRun == RUN_LENGTH / BLOCK)
            {
                runs++;
                inRun = 0;
            }
            final int index = (int)(entry & 0xFFFFF);
            run.put(inRun * BLOCK, log, index * RECORD_LENGTH + LogRecord.HEADER_LENGTH, BLOCK);
            inRun++;
        }
        return runs;
    }

    @Benchmark
    public int pwriteSorted() throws IOException
    {
        return pwriteSorted(0, sorted.length, run);
    }

    @Benchmark
    public int pwritevSorted() throws IOException
    {
        int writes = 0;
        long runStart = sorted[0] >>> 20;
        int inRun = 0;
        for (final long entry : sorted)
        {
            final long block = entry >>> 20;
            if (block != runStart + inRun || inRun == iov.length)
            {
                writev(runStart, inRun);
                writes++;
                runStart = block;
                inRun = 0;
            }
            final int from = (int)(entry & 0xFFFFF) * RECORD_LENGTH + LogRecord.HEADER_LENGTH;
            iov[inRun].limit(from + BLOCK).position(from);
            inRun++;
        }
        writev(runStart, inRun);
        return writes + 1;
    }

    private void writev(final long firstBlock, final int blocks) throws IOException
    {
        pool.position(firstBlock * BLOCK);
        long remaining = (long)blocks * BLOCK;
        while (remaining > 0)
        {
            remaining -= pool.write(iov, 0, blocks);
        }
    }

    @Benchmark
    public int pwriteSortedTwoThreads() throws Exception
    {
        final int half = sorted.length / 2;
        final java.util.concurrent.FutureTask<Integer> upper = new java.util.concurrent.FutureTask<>(
            () -> pwriteSorted(half, sorted.length, ByteBuffer.allocateDirect(RUN_LENGTH)));
        final Thread thread = new Thread(upper);
        thread.start();
        final int lower = pwriteSorted(0, half, run);
        return lower + upper.get();
    }

    private int pwriteSorted(final int from, final int to, final ByteBuffer buffer) throws IOException
    {
        int writes = 0;
        long runStart = sorted[from] >>> 20;
        int inRun = 0;
        for (int i = from; i < to; i++)
        {
            final long block = sorted[i] >>> 20;
            if (block != runStart + inRun || inRun == RUN_LENGTH / BLOCK)
            {
                write(buffer, runStart, inRun);
                writes++;
                runStart = block;
                inRun = 0;
            }
            final int index = (int)(sorted[i] & 0xFFFFF);
            buffer.put(inRun * BLOCK, log, index * RECORD_LENGTH + LogRecord.HEADER_LENGTH, BLOCK);
            inRun++;
        }
        write(buffer, runStart, inRun);
        return writes + 1;
    }

    private void write(final ByteBuffer buffer, final long firstBlock, final int blocks) throws IOException
    {
        buffer.clear().limit(blocks * BLOCK);
        long at = firstBlock * BLOCK;
        while (buffer.hasRemaining())
        {
            at += pool.write(buffer, at);
        }
        buffer.clear();
    }

    @Benchmark
    public int pwriteLogOrder() throws IOException
    {
        final ByteBuffer payload = log.duplicate();
        for (int i = 0; i < RECORDS; i++)
        {
            final int from = i * RECORD_LENGTH + LogRecord.HEADER_LENGTH;
            payload.limit(from + BLOCK).position(from);
            pool.write(payload, blockOf[i] * BLOCK);
        }
        return RECORDS;
    }
}
