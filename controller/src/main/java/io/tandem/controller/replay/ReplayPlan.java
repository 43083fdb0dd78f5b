package io.tandem.controller.replay;

import io.tandem.controller.pool.AllocationMap;
import io.tandem.staging.block.BlockDevice;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.NanoClock;

import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What a replay changes in the pool's volume, collected without writing anything (a {@link ReplayTarget}), then
 * written in one pass ({@link #execute}) in volume order, not log order: the whole-block writes of every stream,
 * the last write of each block winning, sorted by block, adjacent blocks in one device write of up to
 * {@link #RUN_LENGTH} bytes, gathered from where they lie in the log. The volume (its bytes and its allocation map)
 * ends as a replay in log order through the {@link PoolWriter} leaves it:
 * <ul>
 *   <li>a write that is not whole blocks, and a zeroing that covers a block in part, cut the plan: the blocks
 *   collected before it are written first, then it goes through the {@link PoolWriter} (which reads the block);</li>
 *   <li>a zeroing of whole blocks only marks the map, as the {@link PoolWriter} does, and cuts nothing: the blocks
 *   it zeroes keep on the device whatever a replay in log order would have written there before it;</li>
 *   <li>the map is marked in log order (a block written is data, whole blocks zeroed zero or hole) before each
 *   part's blocks are written.</li>
 * </ul>
 * A block belongs to one stream, so the log's order is the order of each block's writes, and neighbouring stripes
 * of different streams join into one device write. Since collecting writes nothing and marks nothing, a takeover
 * collects beside its scan of the log, and writes only once the scan found every stream whole.
 * <p>
 * Why: a takeover replays up to a full NVLog (256 MiB by default). Replayed in log order, random 4 KiB writes are
 * one {@code pwrite} each at scattered offsets; on a 2-core machine of this project's kind such a {@code pwrite}
 * into a pool whose blocks are allocated costs about 10 us, the same {@code pwrite}s sorted by offset about 3 us
 * (bench's {@code ReplayBoundBenchmark}). The buffered writes of one file serialize on its inode lock, so one
 * thread writes as fast as several. (Writing through a fresh mapping instead costs a page fault per 4 KiB, about
 * 6 us there: no better.) A run goes to the device from where its blocks lie in a direct source (the log's staging
 * memory): a block alone as it is, several in one gathering write ({@link BlockDevice#writeGathered}); copied into
 * one buffer first only for a device that does not gather (or a source on the heap). Copying a full log half first
 * cost as much as a fifth of its writes.
 * <p>
 * Collecting appends the block and where its bytes lie to arrays; {@link #sort()} sorts a copy once. Nothing is
 * allocated per record, only when the arrays grow. The bytes are read from the source buffer only when written:
 * the buffer (the mirror log's staging area) must not change until {@link #execute} returns. Not thread-safe: one
 * thread collects and sorts, then one executes (after a happens-before edge, such as a step's end).
 */
public final class ReplayPlan implements ReplayTarget
{
    /** Bytes written to the device in one call at most. */
    public static final int RUN_LENGTH = 1 << 20;

    /**
     * Whole blocks a plan holds at most: more than the largest NVLog (1 GiB of NVRAM) holds in blocks of 512 bytes.
     */
    public static final int MAX_BLOCKS = 1 << 22;

    /** Low bits of a collected entry: its index, so that sorting keeps a block's writes in log order. */
    static final int INDEX_BITS = 22;
    static final long INDEX_MASK = (1L << INDEX_BITS) - 1;
    /** Blocks of a volume an entry can name. */
    private static final long MAX_BLOCK_COUNT = 1L << (63 - INDEX_BITS);
    /** Entries written between two reports of progress. */
    static final int PROGRESS_EVERY = 1024;
    /** Bits of a block index each pass of the sort orders by. */
    private static final int RADIX_BITS = 11;
    private static final int RADIX_MASK = (1 << RADIX_BITS) - 1;
    private static final int INITIAL_BLOCKS = 1 << 12;
    private static final int INITIAL_CUTS = 1 << 4;

    /** Whole blocks zeroed: a mark in the map, nothing written. */
    private static final byte MARK_ZERO = 0;
    /** A zeroing that covers a block in part: through the {@link PoolWriter}, after the blocks before it. */
    private static final byte ZERO = 1;
    /** A write that is not whole blocks, or from another buffer: through the {@link PoolWriter}, after them. */
    private static final byte WRITE = 2;

    private final int blockSize;
    /** Collected entries, in log order: block index above {@link #INDEX_BITS}, the entry's index below. */
    private long[] entries = new long[INITIAL_BLOCKS];
    /** Where each entry's bytes lie in {@link #source}, by entry index. */
    private int[] sourceOffsets = new int[INITIAL_BLOCKS];
    private int collected;
    private long highestBlock;
    /** The entries sorted by block within each part between cuts, once {@link #sort()} ran. */
    private long[] sorted;
    private DirectBuffer source;
    /** Zeroings and writes that are not whole blocks, in log order, each after the entries collected before it. */
    private byte[] opKinds = new byte[INITIAL_CUTS];
    private int[] opAt = new int[INITIAL_CUTS];
    private long[] opOffsets = new long[INITIAL_CUTS];
    private long[] opLengths = new long[INITIAL_CUTS];
    private int[] opSourceOffsets = new int[INITIAL_CUTS];
    private boolean[] opHoles = new boolean[INITIAL_CUTS];
    private DirectBuffer[] opSources = new DirectBuffer[INITIAL_CUTS];
    private int ops;
    private int cuts;
    private long bytes;
    private long blocksWritten;
    private long deviceWrites;
    private long sortNs;
    private long writeNs;

    /**
     * @param blockSize the pool's block size.
     */
    public ReplayPlan(final int blockSize)
    {
        this.blockSize = blockSize;
    }

    public void write(
        final long volumeOffset, final DirectBuffer src, final int srcOffset, final int length, final long lsn)
    {
        bytes += length;
        if (volumeOffset % blockSize != 0 || length % blockSize != 0 || (null != source && src != source))
        {
            op(WRITE, volumeOffset, length, false, src, srcOffset);
            return;
        }
        source = src;
        final long first = volumeOffset / blockSize;
        final int blocks = length / blockSize;
        if (first + blocks > MAX_BLOCK_COUNT)
        {
            throw new IllegalArgumentException("block " + (first + blocks - 1) + " is beyond the " + MAX_BLOCK_COUNT +
                " blocks a replay plan can name");
        }
        if (collected + blocks > entries.length)
        {
            grow(collected + blocks);
        }
        highestBlock = Math.max(highestBlock, first + blocks - 1);
        for (int i = 0; i < blocks; i++)
        {
            entries[collected] = (first + i) << INDEX_BITS | collected;
            sourceOffsets[collected] = srcOffset + i * blockSize;
            collected++;
        }
        sorted = null;
    }

    private void grow(final int needed)
    {
        if (needed > MAX_BLOCKS)
        {
            throw new IllegalStateException("a replay of more than " + MAX_BLOCKS + " whole blocks: more than the " +
                "largest NVLog holds");
        }
        final int length = (int)Math.min(MAX_BLOCKS, Math.max(needed, 2L * entries.length));
        entries = Arrays.copyOf(entries, length);
        sourceOffsets = Arrays.copyOf(sourceOffsets, length);
    }

    public void zero(final long volumeOffset, final long length, final boolean hole, final long lsn)
    {
        bytes += length;
        op(volumeOffset % blockSize == 0 && length % blockSize == 0 ? MARK_ZERO : ZERO, volumeOffset, length, hole,
            null, 0);
    }

    private void op(
        final byte kind,
        final long volumeOffset,
        final long length,
        final boolean hole,
        final DirectBuffer src,
        final int srcOffset)
    {
        if (ops == opKinds.length)
        {
            final int more = 2 * ops;
            opKinds = Arrays.copyOf(opKinds, more);
            opAt = Arrays.copyOf(opAt, more);
            opOffsets = Arrays.copyOf(opOffsets, more);
            opLengths = Arrays.copyOf(opLengths, more);
            opSourceOffsets = Arrays.copyOf(opSourceOffsets, more);
            opHoles = Arrays.copyOf(opHoles, more);
            opSources = Arrays.copyOf(opSources, more);
        }
        opKinds[ops] = kind;
        opAt[ops] = collected;
        opOffsets[ops] = volumeOffset;
        opLengths[ops] = length;
        opHoles[ops] = hole;
        opSources[ops] = src;
        opSourceOffsets[ops] = srcOffset;
        ops++;
        cuts += MARK_ZERO == kind ? 0 : 1;
        sorted = null;
    }

    /**
     * Sorts the collected blocks by block (within each part between cuts), ahead of {@link #execute}; execute sorts
     * them itself if this was not called since the last record.
     * <p>
     * A radix sort of the block bits, stable, so a block's writes stay in log order: a few short loops, which a
     * JVM compiles ahead of a takeover ({@code ReplayWarmup}) and keeps; the JDK's sort of longs is large code a
     * takeover's sort of more blocks than the warm-up's took new paths through, and compiling them took 40-60 ms of
     * a core while the replay ran.
     *
     * @param clock times it ({@link #sortNs()}).
     * @return this.
     */
    public ReplayPlan sort(final NanoClock clock)
    {
        final long startNs = clock.nanoTime();
        final long[] out = new long[collected];
        final long[] scratch = new long[collected];
        final int[] counts = new int[1 << RADIX_BITS];
        final int passes = Math.max(1, (64 - Long.numberOfLeadingZeros(highestBlock) + RADIX_BITS - 1) / RADIX_BITS);
        int from = 0;
        for (int op = 0; op < ops; op++)
        {
            if (MARK_ZERO != opKinds[op])
            {
                radixSort(out, scratch, counts, passes, from, opAt[op]);
                from = opAt[op];
            }
        }
        radixSort(out, scratch, counts, passes, from, collected);
        sorted = out;
        sortNs += clock.nanoTime() - startNs;
        return this;
    }

    /**
     * Sorts entries {@code from} to {@code to} by block into {@code out}, leaving {@link #entries} as they are.
     */
    private void radixSort(
        final long[] out, final long[] scratch, final int[] counts, final int passes, final int from, final int to)
    {
        long[] src = entries;
        long[] dst = 1 == passes % 2 ? out : scratch; // the last pass writes out
        for (int pass = 0; pass < passes; pass++)
        {
            final int shift = INDEX_BITS + pass * RADIX_BITS;
            Arrays.fill(counts, 0);
            for (int i = from; i < to; i++)
            {
                counts[(int)(src[i] >>> shift) & RADIX_MASK]++;
            }
            int at = from;
            for (int digit = 0; digit < counts.length; digit++)
            {
                final int count = counts[digit];
                counts[digit] = at;
                at += count;
            }
            for (int i = from; i < to; i++)
            {
                final long entry = src[i];
                dst[counts[(int)(entry >>> shift) & RADIX_MASK]++] = entry;
            }
            src = dst;
            dst = dst == out ? scratch : out;
        }
    }

    /**
     * Writes the plan: each part between cuts marks the map in log order, then writes its blocks in volume order;
     * then the cut goes through the writer.
     *
     * @param writer   the volume's writer, whose map this marks.
     * @param device   the device {@code writer} writes to.
     * @param clock    times the sorting (if not done yet) and the writing ({@link #writeNs()}).
     * @param progress gets the bytes of the volume written so far, at {@code index}, as they go: a share of
     *                 {@link #bytes()} by blocks and cuts done.
     * @throws IllegalArgumentException if the writer and the device differ in block size from the plan.
     */
    public void execute(
        final PoolWriter writer,
        final BlockDevice device,
        final NanoClock clock,
        final AtomicLongArray progress,
        final int index) throws IOException
    {
        if (writer.blockSize() != blockSize || device.blockSize() != blockSize)
        {
            throw new IllegalArgumentException("a plan of " + blockSize + "-byte blocks for a writer of " +
                writer.blockSize() + " and a device of " + device.blockSize());
        }
        if (null == sorted)
        {
            sort(clock);
        }
        final long startNs = clock.nanoTime();
        final long steps = Math.max(1, collected + ops);
        final RunWriter runs = new RunWriter(device, source, blockSize, progress, index, bytes, steps);
        final AllocationMap map = writer.map();
        int from = 0;
        int op = 0;
        while (true)
        {
            int cut = op;
            while (cut < ops && MARK_ZERO == opKinds[cut])
            {
                cut++;
            }
            final int to = cut < ops ? opAt[cut] : collected;
            // the map in log order: the part's blocks written, and its whole blocks zeroed, each where it came
            int at = from;
            for (int z = op; z < cut; z++)
            {
                at = markData(map, at, opAt[z]);
                writer.zero(opOffsets[z], opLengths[z], opHoles[z]);
            }
            markData(map, at, to);
            blocksWritten += runs.write(sorted, from, to, sourceOffsets, cut);
            if (cut == ops)
            {
                break;
            }
            if (WRITE == opKinds[cut])
            {
                writer.write(opOffsets[cut], opSources[cut], opSourceOffsets[cut], (int)opLengths[cut]);
            }
            else
            {
                writer.zero(opOffsets[cut], opLengths[cut], opHoles[cut]);
            }
            progress.lazySet(index, bytes * (to + cut + 1) / steps);
            from = to;
            op = cut + 1;
        }
        progress.lazySet(index, bytes);
        deviceWrites += runs.writes();
        writeNs += clock.nanoTime() - startNs;
    }

    /**
     * Marks the blocks of entries {@code from} to {@code to} as data, a run of neighbours at a time.
     *
     * @return {@code to}.
     */
    private int markData(final AllocationMap map, final int from, final int to)
    {
        int i = from;
        while (i < to)
        {
            final long first = entries[i] >>> INDEX_BITS;
            int count = 1;
            while (i + count < to && entries[i + count] >>> INDEX_BITS == first + count)
            {
                count++;
            }
            map.markData(first, count);
            i += count;
        }
        return to;
    }

    /**
     * @return bytes of the volume the collected records change, written or zeroed.
     */
    public long bytes()
    {
        return bytes;
    }

    /**
     * @return whole blocks collected, a block written twice counted twice.
     */
    public int blocksCollected()
    {
        return collected;
    }

    /**
     * @return zeroings and writes not of whole blocks, each written on its own.
     */
    public int cuts()
    {
        return cuts;
    }

    /**
     * @return whole blocks written, each once however often the replay wrote it.
     */
    public long blocksWritten()
    {
        return blocksWritten;
    }

    /**
     * @return device writes of collected blocks.
     */
    public long deviceWrites()
    {
        return deviceWrites;
    }

    public long sortNs()
    {
        return sortNs;
    }

    /**
     * @return time spent marking the map and writing, cuts included.
     */
    public long writeNs()
    {
        return writeNs;
    }
}
