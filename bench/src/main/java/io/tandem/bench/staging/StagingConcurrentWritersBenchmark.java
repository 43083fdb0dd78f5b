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
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

/**
 * {@value #WRITERS} writers, each issuing one write and waiting until it is durable before the next, as
 * the clients of a storage controller do. The simulated NVRAM shares one force among every write queued
 * (group commit); the baseline does what a naive server does, one {@code pwrite} plus one force per write,
 * from the same number of threads. The score is durable writes per second.
 */
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(StagingConcurrentWritersBenchmark.WRITERS)
public class StagingConcurrentWritersBenchmark
{
    static final int WRITERS = 32;
    static final long CAPACITY = 64L << 20;
    static final long SLICE = CAPACITY / WRITERS;

    /** One device and one baseline file shared by every writer thread. */
    @State(Scope.Benchmark)
    public static class Shared
    {
        @Param({ "512", "4096" })
        int payloadSize;

        @Param({ "POWER", "PROCESS" })
        Durability durability;

        /**
         * APPEND: writers take consecutive addresses from one cursor, as NVLog appends do, so a group commit
         * writes one contiguous run. SLICED: each writer appends in its own slice, so a group commit writes as
         * many scattered runs as there are writers.
         */
        @Param({ "APPEND", "SLICED" })
        String layout;

        final AtomicInteger nextWriter = new AtomicInteger();
        final AtomicLong cursor = new AtomicLong();
        Path dir;
        NvramDevice device;
        FileChannel baseline;

        @Setup(Level.Trial)
        public void setUp() throws IOException
        {
            dir = BenchFiles.newDirectory("staging-writers");
            device = NvramDevice.open(new NvramContext()
                .file(dir.resolve("nvram.dev"))
                .capacity(CAPACITY)
                .durability(durability));
            baseline = FileChannel.open(dir.resolve("baseline.dat"), CREATE, READ, WRITE);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException
        {
            device.close();
            baseline.close();
            BenchFiles.delete(dir);
        }
    }

    /** A writer's payload and, for the SLICED layout, its own slice of the address space. */
    @State(Scope.Thread)
    public static class Writer
    {
        UnsafeBuffer payload;
        ByteBuffer baselinePayload;
        long base;
        long offset;

        @Setup(Level.Trial)
        public void setUp(final Shared shared)
        {
            base = shared.nextWriter.getAndIncrement() % WRITERS * SLICE;
            payload = new UnsafeBuffer(ByteBuffer.allocateDirect(shared.payloadSize));
            baselinePayload = ByteBuffer.allocateDirect(shared.payloadSize);
            for (int i = 0; i < shared.payloadSize; i++)
            {
                payload.putByte(i, (byte)i);
                baselinePayload.put(i, (byte)i);
            }
        }

        long nextAddress(final Shared shared, final int length)
        {
            if ("APPEND".equals(shared.layout))
            {
                return shared.cursor.getAndAdd(length) % (CAPACITY - CAPACITY % length);
            }
            if (offset + length > SLICE)
            {
                offset = 0;
            }
            final long address = base + offset;
            offset += length;
            return address;
        }
    }

    @Benchmark
    public long staging(final Shared shared, final Writer writer)
    {
        final long address = writer.nextAddress(shared, shared.payloadSize);
        long ticket;
        while ((ticket = shared.device.write(address, writer.payload, 0, shared.payloadSize)) < 0)
        {
            Thread.onSpinWait();
        }
        shared.device.awaitCompletion(ticket);
        return ticket;
    }

    @Benchmark
    public long fileChannel(final Shared shared, final Writer writer) throws IOException
    {
        final long address = writer.nextAddress(shared, shared.payloadSize);
        writer.baselinePayload.clear();
        shared.baseline.write(writer.baselinePayload, address);
        if (Durability.POWER == shared.durability)
        {
            shared.baseline.force(false);
        }
        return address;
    }
}
