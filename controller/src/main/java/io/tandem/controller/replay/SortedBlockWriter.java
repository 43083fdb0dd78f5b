package io.tandem.controller.replay;

import io.tandem.staging.block.BlockDevice;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A {@link ReplayTarget} over the pool's volume that writes a replay in volume order, not log order: whole-block
 * writes are collected, the last write of each block winning, and at the end (or when it holds {@link #MAX_BLOCKS}
 * blocks) they go to the device sorted by block, adjacent blocks in one write of up to {@link #RUN_LENGTH} bytes. A
 * write that is not whole blocks, and a zeroing that covers a block in part, first write out what is collected and
 * then go through the {@link PoolWriter} at once. A zeroing of whole blocks only marks the allocation map, as the
 * {@link PoolWriter} does, and needs nothing written out first: the blocks it zeroes keep on the device whatever a
 * replay in log order would have written there before it, and read as zeroes by the map. So the volume (its bytes
 * and its map, whose blocks a whole-block write marks as data when it is collected) ends as a replay in log order
 * leaves it.
 * <p>
 * One writer takes the writes of every stream of a log: a block belongs to one stream, so the log's order is the
 * order of each block's writes, and neighbouring stripes of different streams join into one device write.
 * <p>
 * Why: a takeover replays up to a full NVLog (256 MiB by default). Replayed in log order, random 4 KiB writes are
 * one {@code pwrite} each at scattered offsets; on a 2-core machine of this project's kind such a {@code pwrite}
 * into a pool whose blocks are allocated costs about 10 us, the same {@code pwrite}s sorted by offset about 3 us
 * (bench's {@code ReplayBoundBenchmark}). The buffered writes of one file serialize on its inode lock, so one
 * thread writes as fast as several. (Writing through a fresh mapping instead costs a page fault per 4 KiB, about
 * 6 us there: no better.)
 * <p>
 * Collecting is appending the block and where its bytes lie to an array; writing out sorts the array once. Nothing
 * is allocated per write, only when the arrays grow, up to {@link #MAX_BLOCKS} entries. A run goes to the device
 * from where its blocks lie in a direct source (the log's staging memory): a block alone as it is, several in one
 * gathering write ({@link BlockDevice#writeGathered}); copied into one buffer first only for a device that does not
 * gather (or a source on the heap). Copying a full log half first cost as much as a fifth of its writes.
 * <p>
 * The bytes are read from the source buffer only when written out: the buffer (the mirror log's staging area)
 * must not change until {@link #finish()}. Not thread-safe: one per replay and thread, as {@link Replay} is.
 */
public final class SortedBlockWriter implements ReplayTarget
{
    /** Bytes written to the device in one call at most. */
    public static final int RUN_LENGTH = 1 << 20;

    /** Blocks collected at most before they are written out: bounds the memory of one replay. */
    public static final int MAX_BLOCKS = 1 << 18;

    /** Low bits of a collected entry: its index, so that sorting keeps a block's writes in log order. */
    private static final int INDEX_BITS = 18;
    private static final long INDEX_MASK = (1L << INDEX_BITS) - 1;
    private static final int INITIAL_BLOCKS = 1 << 12;

    private final PoolWriter writer;
    private final BlockDevice device;
    private final int blockSize;
    /** Collected entries: block index above {@link #INDEX_BITS}, the entry's index below. */
    private long[] entries = new long[INITIAL_BLOCKS];
    /** Where each entry's bytes lie in {@link #source}, by entry index. */
    private int[] sourceOffsets = new int[INITIAL_BLOCKS];
    private int collected;
    private final ByteBuffer run;
    private final UnsafeBuffer runBuffer;
    /** Where the blocks of the run being gathered lie in {@link #source}. */
    private final int[] runSources;
    /** Views of {@link #gatheredFrom}, one per block of a run: the run written from where its blocks lie. */
    private final ByteBuffer[] runViews;
    private ByteBuffer gatheredFrom;
    private DirectBuffer source;
    private final NanoClock clock;
    private long blocksWritten;
    private long deviceWrites;
    private long sortNs;
    private long writeNs;

    /**
     * @param writer for writes that are not whole blocks, and zeroing.
     * @param device the device {@code writer} writes to.
     * @throws IllegalArgumentException if the writer and the device differ in block size, or the device has more
     *                                  blocks than an entry can name.
     */
    public SortedBlockWriter(final PoolWriter writer, final BlockDevice device)
    {
        this(writer, device, SystemNanoClock.INSTANCE);
    }

    /**
     * @param writer for writes that are not whole blocks, and zeroing.
     * @param device the device {@code writer} writes to.
     * @param clock  times the sorting and the writing out ({@link #sortNs()}, {@link #writeNs()}).
     * @throws IllegalArgumentException if the writer and the device differ in block size, or the device has more
     *                                  blocks than an entry can name.
     */
    public SortedBlockWriter(final PoolWriter writer, final BlockDevice device, final NanoClock clock)
    {
        if (writer.blockSize() != device.blockSize())
        {
            throw new IllegalArgumentException("the writer's blocks are " + writer.blockSize() + " bytes, the " +
                "device's " + device.blockSize());
        }
        if (device.blockCount() > Long.MAX_VALUE >>> INDEX_BITS)
        {
            throw new IllegalArgumentException("a device of " + device.blockCount() + " blocks is too large to " +
                "sort its writes");
        }
        this.writer = writer;
        this.device = device;
        this.clock = clock;
        this.blockSize = device.blockSize();
        this.run = ByteBuffer.allocateDirect(Math.max(RUN_LENGTH, blockSize));
        this.runBuffer = new UnsafeBuffer(run);
        this.runSources = new int[run.capacity() / blockSize];
        this.runViews = new ByteBuffer[runSources.length];
    }

    public void write(
        final long volumeOffset, final DirectBuffer src, final int srcOffset, final int length, final long lsn)
        throws IOException
    {
        if (volumeOffset % blockSize != 0 || length % blockSize != 0 || (null != source && src != source))
        {
            finish();
            writer.write(volumeOffset, src, srcOffset, length, lsn);
            return;
        }
        source = src;
        final long first = volumeOffset / blockSize;
        final int blocks = length / blockSize;
        writer.map().markData(first, blocks); // no reader until finish() has written them
        for (int i = 0; i < blocks; i++)
        {
            if (collected == entries.length)
            {
                grow();
            }
            entries[collected] = (first + i) << INDEX_BITS | collected;
            sourceOffsets[collected] = srcOffset + i * blockSize;
            if (++collected == MAX_BLOCKS)
            {
                finish();
                source = src;
            }
        }
    }

    private void grow()
    {
        final int length = Math.min(MAX_BLOCKS, entries.length * 2);
        entries = Arrays.copyOf(entries, length);
        sourceOffsets = Arrays.copyOf(sourceOffsets, length);
    }

    public void zero(final long volumeOffset, final long length, final boolean hole, final long lsn)
        throws IOException
    {
        if (volumeOffset % blockSize != 0 || length % blockSize != 0)
        {
            finish(); // the block zeroed in part is read from the device
        }
        writer.zero(volumeOffset, length, hole);
    }

    /**
     * Writes out every block collected, in volume order.
     */
    public void finish() throws IOException
    {
        if (0 == collected)
        {
            source = null;
            return;
        }
        final long startNs = clock.nanoTime();
        viewsOf(source);
        final long[] sorted = entries;
        final int count = collected;
        Arrays.sort(sorted, 0, count);
        final long sortedNs = clock.nanoTime();
        sortNs += sortedNs - startNs;
        final int blocksPerRun = runSources.length;
        long runStart = sorted[0] >>> INDEX_BITS;
        int inRun = 0;
        long written = 0;
        for (int i = 0; i < count; i++)
        {
            final long block = sorted[i] >>> INDEX_BITS;
            if (i + 1 < count && sorted[i + 1] >>> INDEX_BITS == block)
            {
                continue; // a later write of the block wins
            }
            if (block != runStart + inRun || inRun == blocksPerRun)
            {
                writeRun(runStart, inRun);
                runStart = block;
                inRun = 0;
            }
            runSources[inRun++] = sourceOffsets[(int)(sorted[i] & INDEX_MASK)];
            written++;
        }
        writeRun(runStart, inRun);
        writeNs += clock.nanoTime() - sortedNs;
        blocksWritten += written;
        collected = 0;
        source = null;
    }

    /**
     * Views of the source's memory to write runs from, where it has any (a direct buffer's): made once per source.
     */
    private void viewsOf(final DirectBuffer source)
    {
        final ByteBuffer bytes = source.byteBuffer();
        if (bytes == gatheredFrom)
        {
            return;
        }
        gatheredFrom = null != bytes && bytes.isDirect() ? bytes : null;
        for (int i = 0; i < runViews.length; i++)
        {
            runViews[i] = null == gatheredFrom ? null : gatheredFrom.duplicate();
        }
    }

    /**
     * Writes a run of blocks from where they lie in the source: one block as it is, several in one gathering write
     * where the device takes one; else copied into one buffer first.
     */
    private void writeRun(final long firstBlock, final int blocks) throws IOException
    {
        deviceWrites++;
        if (null != gatheredFrom)
        {
            final int adjustment = source.wrapAdjustment();
            for (int i = 0; i < blocks; i++)
            {
                final int at = adjustment + runSources[i];
                runViews[i].clear().position(at).limit(at + blockSize);
            }
            if (1 == blocks)
            {
                device.write(firstBlock, runViews[0]);
                return;
            }
            if (device.writeGathered(firstBlock, runViews, 0, blocks))
            {
                return;
            }
        }
        for (int i = 0; i < blocks; i++)
        {
            runBuffer.putBytes(i * blockSize, source, runSources[i], blockSize);
        }
        run.clear().limit(blocks * blockSize);
        device.write(firstBlock, run);
    }

    /**
     * @return whole blocks written out so far, each once however often the replay wrote it.
     */
    public long blocksWritten()
    {
        return blocksWritten;
    }

    /**
     * @return device writes of collected blocks so far.
     */
    public long deviceWrites()
    {
        return deviceWrites;
    }

    /**
     * @return time spent sorting what was collected, so far.
     */
    public long sortNs()
    {
        return sortNs;
    }

    /**
     * @return time spent writing out collected blocks, so far.
     */
    public long writeNs()
    {
        return writeNs;
    }
}
