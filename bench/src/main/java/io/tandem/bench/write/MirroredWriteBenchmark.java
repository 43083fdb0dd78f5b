package io.tandem.bench.write;

import io.tandem.bench.BenchFiles;
import io.tandem.staging.Durability;
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
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The mirrored write path of both roles in one thread ({@link InProcessPair}), beside the same primary write path
 * acknowledging from its own NVLog alone ({@code mirrored=false}): the CPU a mirrored write costs the pair, less
 * the sockets, so that a change to the write path shows here without fio.
 * <p>
 * An operation is one completed write of {@code blockSize} bytes, at a random block-aligned offset for 4 KiB and
 * in sequence for larger blocks, with up to {@code queueDepth} in flight; each invocation completes
 * {@value #BATCH}. Bytes per second are the score times {@code blockSize}. The score is per thread of work: the
 * real pair spreads it over two JVMs and their NVRAM flushers.
 * <pre>
 *   bench/run-jmh MirroredWrite
 *   bench/run-jmh MirroredWrite -p blockSize=4096 -p queueDepth=32 -prof gc    # bytes allocated per write
 * </pre>
 */
@Fork(value = 1, jvmArgsAppend = {
    "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED" })
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
public class MirroredWriteBenchmark
{
    static final int BATCH = 256;
    private static final long VOLUME_BYTES = 64L << 20;
    private static final long NVRAM_BYTES = 64L << 20;

    @Param({ "4096", "65536" })
    int blockSize;

    @Param({ "1", "32" })
    int queueDepth;

    @Param({ "true", "false" })
    boolean mirrored;

    @Param({ "2" })
    int paths;

    /** {@code POWER} forces both NVRAM devices' files before a write completes (one force per group commit). */
    @Param({ "PROCESS", "POWER" })
    Durability durability;

    private Path dir;
    private InProcessPair pair;
    private ByteBuffer[] buffers;
    private final SplittableRandom random = new SplittableRandom(42);
    private long nextToken;
    private long sequentialOffset;

    @Setup(Level.Trial)
    public void setUp() throws IOException
    {
        dir = BenchFiles.newDirectory("mirrored-write");
        pair = new InProcessPair(dir, VOLUME_BYTES, NVRAM_BYTES, paths, durability, mirrored);
        buffers = new ByteBuffer[queueDepth];
        for (int i = 0; i < queueDepth; i++)
        {
            final byte[] bytes = new byte[blockSize];
            random.nextBytes(bytes);
            buffers[i] = ByteBuffer.allocateDirect(blockSize).put(bytes).flip();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException
    {
        pair.close();
        if (0 != pair.failed())
        {
            throw new IllegalStateException(pair.failed() + " writes failed");
        }
        BenchFiles.delete(dir);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long write()
    {
        final long done = pair.completed() + BATCH;
        long submitted = 0;
        while (pair.completed() < done)
        {
            while (submitted < BATCH && nextToken - pair.completed() - pair.failed() < queueDepth)
            {
                final ByteBuffer src = buffers[(int)(nextToken % queueDepth)];
                src.clear();
                pair.write(nextToken++, nextOffset(), src);
                submitted++;
            }
            pair.step();
        }
        return pair.completed();
    }

    private long nextOffset()
    {
        if (InProcessPair.PAGE == blockSize)
        {
            return random.nextLong(VOLUME_BYTES / blockSize) * blockSize;
        }
        final long offset = sequentialOffset;
        sequentialOffset = (sequentialOffset + blockSize) % VOLUME_BYTES;
        return offset;
    }
}
