package io.tandem.bench.nvlog;

import io.tandem.bench.BenchFiles;
import io.tandem.nvlog.LogRecord;
import io.tandem.nvlog.NvLog;
import io.tandem.nvlog.NvLogContext;
import io.tandem.staging.Durability;
import io.tandem.staging.NvramContext;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

/**
 * One writer appending write records to the NVLog, as the primary's write path does, against the baseline of
 * writing the same record bytes straight to a {@link FileChannel} (plus, at {@code POWER}, one force per
 * record).
 * <p>
 * An operation is one durable record: each invocation appends {@value #BATCH} records and waits until the
 * last is durable. When both halves are full the benchmark releases the sealed half at once, standing in for a
 * consistency point that costs nothing, so the score is the log's own cost. Bytes per second are the score
 * times {@code payloadSize}.
 */
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
public class NvLogAppendBenchmark
{
    static final int BATCH = 64;
    static final long CAPACITY = 64L << 20;

    @Param({ "512", "4096" })
    int payloadSize;

    @Param({ "PROCESS", "POWER" })
    Durability durability;

    private Path dir;
    private NvLog log;
    private FileChannel baseline;
    private UnsafeBuffer payload;
    private ByteBuffer baselineRecord;
    private long lsn;
    private long baselinePosition;

    @Setup(Level.Trial)
    public void setUp() throws IOException
    {
        dir = BenchFiles.newDirectory("nvlog-append");
        log = NvLog.open(new NvLogContext()
            .nvram(new NvramContext().file(dir.resolve("nvlog.dev")).capacity(CAPACITY).durability(durability)));
        baseline = FileChannel.open(dir.resolve("baseline.dat"), CREATE, READ, WRITE);

        final byte[] bytes = new byte[payloadSize];
        ThreadLocalRandom.current().nextBytes(bytes);
        payload = new UnsafeBuffer(ByteBuffer.allocateDirect(payloadSize));
        payload.putBytes(0, bytes);
        baselineRecord = ByteBuffer.allocateDirect(LogRecord.alignedLength(payloadSize));
        baselineRecord.position(LogRecord.HEADER_LENGTH);
        baselineRecord.put(bytes).clear();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException
    {
        log.close();
        baseline.close();
        BenchFiles.delete(dir);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long nvlog()
    {
        final int streams = log.partitioner().streamCount();
        long ticket = 0;
        for (int i = 0; i < BATCH; i++)
        {
            lsn++;
            while ((ticket = log.appendWrite((int)(lsn % streams), lsn, lsn, 1, 0, lsn * payloadSize, payload, 0,
                payloadSize)) < 0)
            {
                if (NvLog.LOG_FULL == ticket)
                {
                    log.release(log.sealedHalf());
                }
                else
                {
                    Thread.onSpinWait();
                }
            }
        }
        log.device().awaitCompletion(ticket);
        return ticket;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long fileChannel() throws IOException
    {
        final int length = baselineRecord.capacity();
        for (int i = 0; i < BATCH; i++)
        {
            if (baselinePosition + length > CAPACITY)
            {
                baselinePosition = 0;
            }
            baselineRecord.clear();
            baseline.write(baselineRecord, baselinePosition);
            if (Durability.POWER == durability)
            {
                baseline.force(false);
            }
            baselinePosition += length;
        }
        return baselinePosition;
    }
}
