package io.tandem.controller.replay;

import io.tandem.staging.block.BlockDevice;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Writes a {@link ReplayPlan}'s sorted entries to the device, adjacent blocks in one write of up to
 * {@link ReplayPlan#RUN_LENGTH} bytes, each block from where it lies in the source: one block as it is, several in
 * one gathering write where the device takes one, else copied into one buffer first. Reports progress as it goes.
 * <p>
 * Not thread-safe: one per plan's execution.
 */
final class RunWriter
{
    private final BlockDevice device;
    private final DirectBuffer source;
    private final int blockSize;
    private final int[] runSources;
    /** Views of the source's memory, one per block of a run; null for a source with none (on the heap). */
    private final ByteBuffer[] runViews;
    private final AtomicLongArray progress;
    private final int index;
    private final long bytes;
    private final long steps;
    private ByteBuffer copy;
    private UnsafeBuffer copyBuffer;
    private long writes;

    RunWriter(
        final BlockDevice device,
        final DirectBuffer source,
        final int blockSize,
        final AtomicLongArray progress,
        final int index,
        final long bytes,
        final long steps)
    {
        this.device = device;
        this.source = source;
        this.blockSize = blockSize;
        this.progress = progress;
        this.index = index;
        this.bytes = bytes;
        this.steps = steps;
        this.runSources = new int[Math.max(1, ReplayPlan.RUN_LENGTH / blockSize)];
        this.runViews = new ByteBuffer[runSources.length];
        final ByteBuffer memory = null == source ? null : source.byteBuffer();
        if (null != memory && memory.isDirect())
        {
            for (int i = 0; i < runViews.length; i++)
            {
                runViews[i] = memory.duplicate();
            }
        }
    }

    /**
     * Writes entries {@code from} to {@code to} of {@code sorted}, the last of each block.
     *
     * @param cutsBefore cuts done before these entries, for the progress.
     * @return blocks written.
     */
    long write(final long[] sorted, final int from, final int to, final int[] sourceOffsets, final int cutsBefore)
        throws IOException
    {
        if (from == to)
        {
            return 0;
        }
        long runStart = sorted[from] >>> ReplayPlan.INDEX_BITS;
        int inRun = 0;
        long written = 0;
        for (int i = from; i < to; i++)
        {
            final long block = sorted[i] >>> ReplayPlan.INDEX_BITS;
            if (i + 1 < to && sorted[i + 1] >>> ReplayPlan.INDEX_BITS == block)
            {
                continue; // a later write of the block wins
            }
            if (block != runStart + inRun || inRun == runSources.length)
            {
                writeRun(runStart, inRun);
                runStart = block;
                inRun = 0;
            }
            runSources[inRun++] = sourceOffsets[(int)(sorted[i] & ReplayPlan.INDEX_MASK)];
            written++;
            if (0 == written % ReplayPlan.PROGRESS_EVERY)
            {
                progress.lazySet(index, bytes * (i + cutsBefore) / steps);
            }
        }
        writeRun(runStart, inRun);
        return written;
    }

    /**
     * One block as it lies, several in one gathering write where the device takes one; else copied first.
     */
    private void writeRun(final long firstBlock, final int blocks) throws IOException
    {
        writes++;
        if (null != runViews[0])
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
        if (null == copy)
        {
            copy = ByteBuffer.allocateDirect(runSources.length * blockSize);
            copyBuffer = new UnsafeBuffer(copy);
        }
        for (int i = 0; i < blocks; i++)
        {
            copyBuffer.putBytes(i * blockSize, source, runSources[i], blockSize);
        }
        copy.clear().limit(blocks * blockSize);
        device.write(firstBlock, copy);
    }

    long writes()
    {
        return writes;
    }
}
