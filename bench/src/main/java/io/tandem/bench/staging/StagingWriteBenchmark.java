package io.tandem.bench.staging;

import io.tandem.bench.BenchFiles;
import io.tandem.staging.Durability;
import io.tandem.staging.NvramContext;
import io.tandem.staging.NvramDevice;
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
 * One writer appending sequentially to the simulated NVRAM, against the baseline of writing the same
 * bytes straight to a {@link FileChannel} (plus, at {@code POWER}, one force per write).
 * <p>
 * An operation is one durable write: each invocation issues {@value #BATCH} writes and waits for the
 * last one to complete, so the score counts only bytes that reached the configured durability.
 * Bytes per second are the score times {@code payloadSize}.
 */
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
public class StagingWriteBenchmark
{
    static final int BATCH = 64;
    static final long CAPACITY = 64L << 20;

    @Param({ "512", "4096" })
    int payloadSize;

    @Param({ "PROCESS", "POWER" })
    Durability durability;

    private Path dir;
    private NvramDevice device;
    private FileChannel baseline;
    private UnsafeBuffer payload;
    private ByteBuffer baselinePayload;
    private long address;
    private long baselinePosition;

    @Setup(Level.Trial)
    public void setUp() throws IOException
    {
        dir = BenchFiles.newDirectory("staging-write");
        device = NvramDevice.open(new NvramContext()
            .file(dir.resolve("nvram.dev"))
            .capacity(CAPACITY)
            .durability(durability));
        baseline = FileChannel.open(dir.resolve("baseline.dat"), CREATE, READ, WRITE);

        final byte[] bytes = new byte[payloadSize];
        ThreadLocalRandom.current().nextBytes(bytes);
        payload = new UnsafeBuffer(ByteBuffer.allocateDirect(payloadSize));
        payload.putBytes(0, bytes);
        baselinePayload = ByteBuffer.allocateDirect(payloadSize);
        baselinePayload.put(bytes).flip();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException
    {
        device.close();
        baseline.close();
        BenchFiles.delete(dir);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long staging()
    {
        long ticket = 0;
        for (int i = 0; i < BATCH; i++)
        {
            if (address + payloadSize > CAPACITY)
            {
                address = 0;
            }
            while ((ticket = device.write(address, payload, 0, payloadSize)) < 0)
            {
                Thread.onSpinWait();
            }
            address += payloadSize;
        }
        device.awaitCompletion(ticket);
        return ticket;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long fileChannel() throws IOException
    {
        for (int i = 0; i < BATCH; i++)
        {
            if (baselinePosition + payloadSize > CAPACITY)
            {
                baselinePosition = 0;
            }
            baselinePayload.clear();
            baseline.write(baselinePayload, baselinePosition);
            if (Durability.POWER == durability)
            {
                baseline.force(false);
            }
            baselinePosition += payloadSize;
        }
        return baselinePosition;
    }
}
