package io.tandem.primary.cache;

import io.tandem.staging.block.BlockDevice;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The primary's write cache: volume pages (one pool block each) held off-heap in front of the pool's volume.
 * <p>
 * Writes land at any byte offset and length; every page they touch becomes dirty and remembers the LSN of the
 * last write to it. A partial write of a page that is not cached loads that page from the pool first. A dirty
 * page is never evicted and never written to the pool by the cache itself: only a {@link ConsistencyPoint}
 * destages it and, once the CP is recorded, makes it clean. Clean pages are evicted when room is needed, by a
 * clock (second chance) over the frames. Reads return the newest data: cached pages from memory, the rest from
 * the pool, which holds every page that is not dirty. Reads of uncached pages do not populate the cache.
 * <p>
 * Back pressure is a code, not an exception: a write that needs more frames than free and clean frames together
 * returns {@link #CACHE_FULL} and changes nothing (the controller then runs a CP and tries again). Exceptions
 * mean faults: an argument outside the volume, or the pool's I/O failing (a write that fails loading a page
 * applies nothing).
 * <p>
 * No allocation per call once constructed: the page map is sized for every frame, positional I/O goes through
 * reused views of the cache memory and of one read scratch buffer.
 * <p>
 * Not thread-safe: owned by the controller's one agent thread, which also steps the {@link ConsistencyPoint};
 * only {@link #destage(int, int)} runs on the CP's I/O thread, one batch at a time, through a view of its own.
 * Counters are plain fields; another thread reading them may see stale values.
 */
public final class PageCache implements AutoCloseable
{
    /** The write was applied. */
    public static final int OK = 0;

    /** The write would need dirty pages evicted; nothing was applied. Run a consistency point, then retry. */
    public static final int CACHE_FULL = -1;

    static final byte FREE = 0;
    static final byte CLEAN = 1;
    static final byte DIRTY = 2;

    private static final long NO_FRAME = -1;

    private final BlockDevice device;
    private final int pageSize;
    private final int pageShift;
    private final long pageMask;
    private final long volumeSize;
    private final int frameCount;

    private final ByteBuffer memory;
    private final UnsafeBuffer memoryBuffer;
    private final ByteBuffer memoryView;
    /** The consistency point's view: it destages from its I/O thread while the agent uses {@link #memoryView}. */
    private final ByteBuffer destageView;
    private final ByteBuffer scratch;
    private final UnsafeBuffer scratchBuffer;
    private final int scratchPages;
    private final UnsafeBuffer srcWrapper = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer dstWrapper = new UnsafeBuffer(0, 0);

    private final Long2LongHashMap pageToFrame;
    private final long[] framePage;
    private final long[] frameLsn;
    private final long[] frameWriteSeq;
    private final byte[] frameState;
    private final boolean[] frameReferenced;
    private final int[] freeFrames;
    private int freedCount;
    private int nextUnused;
    private int clockHand;

    private long writeSeq;
    private long highestLsn;
    private int dirtyPages;
    private long readHits;
    private long readMisses;
    private long evictions;
    private long writeLoads;
    private long cacheFullCount;

    /**
     * Allocates the cache memory ({@link PageCacheContext#capacity()} bytes off-heap); concludes the context.
     */
    public PageCache(final PageCacheContext ctx)
    {
        ctx.conclude();
        device = ctx.device();
        pageSize = device.blockSize();
        pageShift = Integer.numberOfTrailingZeros(pageSize);
        pageMask = pageSize - 1;
        volumeSize = device.blockCount() * pageSize;
        frameCount = (int)(ctx.capacity() / pageSize);

        memory = io.tandem.staging.LazyMemory.allocate((int)ctx.capacity());
        memoryBuffer = new UnsafeBuffer(memory);
        memoryView = memory.duplicate();
        destageView = memory.duplicate();
        scratch = ByteBuffer.allocateDirect(ctx.readScratchLength());
        scratchBuffer = new UnsafeBuffer(scratch);
        scratchPages = ctx.readScratchLength() / pageSize;

        // twice the frames: a power of two at least that, so the map never grows at its 0.55 load (the old
        // "* 2 + 2" doubled it again to 4 MiB for a 256 MiB cache, a fresh JVM's giveback paid that in GC)
        pageToFrame = new Long2LongHashMap(frameCount * 2, 0.55f, NO_FRAME);
        framePage = new long[frameCount];
        java.util.Arrays.fill(framePage, -1);
        frameLsn = new long[frameCount];
        frameWriteSeq = new long[frameCount];
        frameState = new byte[frameCount];
        frameReferenced = new boolean[frameCount];
        freeFrames = new int[frameCount]; // the frames given back; those never used are counted by nextUnused
    }

    /**
     * Writes {@code length} bytes of {@code src} from {@code srcOffset} at byte {@code volumeOffset} of the volume.
     *
     * @param lsn the LSN of the NVLog record this write comes from.
     * @return {@link #OK}, or {@link #CACHE_FULL} with nothing applied.
     * @throws IllegalArgumentException if the range is outside the volume.
     * @throws IOException              if loading a partially written page from the pool failed; nothing applied.
     */
    public int write(
        final long volumeOffset, final DirectBuffer src, final int srcOffset, final int length, final long lsn)
        throws IOException
    {
        return apply(volumeOffset, length, src, srcOffset, lsn);
    }

    /**
     * Writes the bytes of {@code src} from its position to its limit at {@code volumeOffset}; the buffer's position
     * is not moved. Same contract as {@link #write(long, DirectBuffer, int, int, long)}.
     */
    public int write(final long volumeOffset, final ByteBuffer src, final long lsn) throws IOException
    {
        srcWrapper.wrap(src);
        try
        {
            return apply(volumeOffset, src.remaining(), srcWrapper, src.position(), lsn);
        }
        finally
        {
            srcWrapper.wrap(0, 0);
        }
    }

    /**
     * Writes {@code length} zero bytes at {@code volumeOffset}. Same contract as
     * {@link #write(long, DirectBuffer, int, int, long)}: a range larger than the free and clean frames together is
     * {@link #CACHE_FULL} even with the cache empty, so cut long ranges into pieces well under the capacity.
     */
    public int writeZeroes(final long volumeOffset, final long length, final long lsn) throws IOException
    {
        return apply(volumeOffset, length, null, 0, lsn);
    }

    /**
     * Reads {@code length} bytes at {@code volumeOffset} into {@code dst} from {@code dstOffset}: the newest data.
     *
     * @throws IllegalArgumentException if the range is outside the volume.
     * @throws IOException              if reading the pool failed.
     */
    public void read(final long volumeOffset, final MutableDirectBuffer dst, final int dstOffset, final int length)
        throws IOException
    {
        checkRange(volumeOffset, length);
        long position = volumeOffset;
        int remaining = length;
        int dstIndex = dstOffset;
        while (remaining > 0)
        {
            final long page = position >>> pageShift;
            final int inPage = (int)(position & pageMask);
            final int frame = (int)pageToFrame.get(page);
            final int copied;
            if (NO_FRAME != frame)
            {
                copied = Math.min(pageSize - inPage, remaining);
                memoryBuffer.getBytes(frameOffset(frame) + inPage, dst, dstIndex, copied);
                frameReferenced[frame] = true;
                readHits++;
            }
            else
            {
                final long lastPage = (position + remaining - 1) >>> pageShift;
                long runEnd = page + 1;
                while (runEnd <= lastPage && runEnd - page < scratchPages && NO_FRAME == pageToFrame.get(runEnd))
                {
                    runEnd++;
                }
                final int runPages = (int)(runEnd - page);
                scratch.clear().limit(runPages * pageSize);
                device.read(page, scratch);
                copied = Math.min(runPages * pageSize - inPage, remaining);
                scratchBuffer.getBytes(inPage, dst, dstIndex, copied);
                readMisses += runPages;
            }
            position += copied;
            dstIndex += copied;
            remaining -= copied;
        }
    }

    /**
     * Reads into {@code dst} from its position to its limit; the buffer's position is not moved.
     */
    public void read(final long volumeOffset, final ByteBuffer dst) throws IOException
    {
        dstWrapper.wrap(dst);
        try
        {
            read(volumeOffset, dstWrapper, dst.position(), dst.remaining());
        }
        finally
        {
            dstWrapper.wrap(0, 0);
        }
    }

    public int pageSize()
    {
        return pageSize;
    }

    public long volumeSize()
    {
        return volumeSize;
    }

    /**
     * @return the number of page frames: the capacity in pages.
     */
    public int frameCount()
    {
        return frameCount;
    }

    /**
     * @return the highest LSN of any write applied so far (0 before the first).
     */
    public long highestLsn()
    {
        return highestLsn;
    }

    /**
     * Says every write up to {@code lsn} is in the pool already (its CP LSN when the cache starts), so a
     * consistency point covers at least that far even before a newer write is applied: the log halves holding
     * only such records are then released. Without it a controller that starts on a log full of records the
     * pool holds (after a takeover, say) would record CP LSN 0 and never free the log.
     */
    public void appliedUpTo(final long lsn)
    {
        if (lsn > highestLsn)
        {
            highestLsn = lsn;
        }
    }

    public int pagesCached()
    {
        return frameCount - freeCount();
    }

    public int dirtyPages()
    {
        return dirtyPages;
    }

    /**
     * @return pages read from the cache.
     */
    public long readHits()
    {
        return readHits;
    }

    /**
     * @return pages read from the pool because they were not cached.
     */
    public long readMisses()
    {
        return readMisses;
    }

    /**
     * @return clean pages dropped to make room.
     */
    public long evictions()
    {
        return evictions;
    }

    /**
     * @return pages loaded from the pool because a write covered only part of them.
     */
    public long writeLoads()
    {
        return writeLoads;
    }

    /**
     * @return writes refused with {@link #CACHE_FULL}.
     */
    public long cacheFullCount()
    {
        return cacheFullCount;
    }

    /**
     * @return true if {@code page} is cached (clean or dirty).
     */
    public boolean isCached(final long page)
    {
        return NO_FRAME != pageToFrame.get(page);
    }

    /**
     * @return true if {@code page} is cached and dirty.
     */
    public boolean isDirty(final long page)
    {
        final long frame = pageToFrame.get(page);
        return NO_FRAME != frame && DIRTY == frameState[(int)frame];
    }

    /**
     * Frees nothing: the cache memory is reclaimed with the object. Present so owners can treat it as a resource.
     */
    public void close()
    {
    }

    BlockDevice device()
    {
        return device;
    }

    byte frameState(final int frame)
    {
        return frameState[frame];
    }

    long framePage(final int frame)
    {
        return framePage[frame];
    }

    long frameLsn(final int frame)
    {
        return frameLsn[frame];
    }

    long frameWriteSeq(final int frame)
    {
        return frameWriteSeq[frame];
    }

    /**
     * Writes {@code frames} consecutive frames from {@code frame}, holding consecutive pages, to the pool in one
     * write; the pages stay dirty. Called from the consistency point's I/O thread while the agent goes on: the
     * frames are dirty, so nothing evicts them meanwhile, and a newer write into one may change its bytes under
     * the copy, which is harmless (the CP does not make that page clean, and a replay from the CP's LSN rewrites
     * it).
     */
    void destage(final int frame, final int frames) throws IOException
    {
        final int offset = frameOffset(frame);
        destageView.clear().position(offset).limit(offset + frames * pageSize);
        device.write(framePage[frame], destageView);
    }

    /**
     * Makes a destaged page clean if it was not written again since: it still holds {@code page}, its write
     * sequence is still {@code writeSeq}, and its last LSN is at most {@code cpLsn}.
     *
     * @return true if the page became clean.
     */
    boolean markClean(final int frame, final long page, final long writeSeq, final long cpLsn)
    {
        if (DIRTY != frameState[frame] || framePage[frame] != page || frameWriteSeq[frame] != writeSeq ||
            frameLsn[frame] > cpLsn)
        {
            return false;
        }
        frameState[frame] = CLEAN;
        dirtyPages--;
        return true;
    }

    private int apply(final long volumeOffset, final long length, final DirectBuffer src, final int srcOffset,
        final long lsn) throws IOException
    {
        checkRange(volumeOffset, length);
        if (0 == length)
        {
            return OK;
        }
        final long firstPage = volumeOffset >>> pageShift;
        final long end = volumeOffset + length;
        final long lastPage = (end - 1) >>> pageShift;
        if (!canTake(firstPage, lastPage))
        {
            cacheFullCount++;
            return CACHE_FULL;
        }

        if ((volumeOffset & pageMask) != 0 || end < ((firstPage + 1) << pageShift))
        {
            loadIfMissing(firstPage, firstPage, lastPage);
        }
        if (lastPage != firstPage && (end & pageMask) != 0)
        {
            loadIfMissing(lastPage, firstPage, lastPage);
        }

        final long seq = ++writeSeq;
        long position = volumeOffset;
        int srcIndex = srcOffset;
        while (position < end)
        {
            final long page = position >>> pageShift;
            final int inPage = (int)(position & pageMask);
            final int n = (int)Math.min(pageSize - inPage, end - position);
            int frame = (int)pageToFrame.get(page);
            if (NO_FRAME == frame)
            {
                frame = allocate(page, firstPage, lastPage);
            }
            final int index = frameOffset(frame) + inPage;
            if (null == src)
            {
                memoryBuffer.setMemory(index, n, (byte)0);
            }
            else
            {
                memoryBuffer.putBytes(index, src, srcIndex, n);
                srcIndex += n;
            }
            markDirty(frame, lsn, seq);
            position += n;
        }
        if (lsn > highestLsn)
        {
            highestLsn = lsn;
        }
        return OK;
    }

    /**
     * @return true if every uncached page of the range can get a frame without evicting a dirty page or a page of
     * the range itself.
     */
    private boolean canTake(final long firstPage, final long lastPage)
    {
        final long pages = lastPage - firstPage + 1;
        if (pages > frameCount)
        {
            return false;
        }
        int missing = 0;
        int cleanInRange = 0;
        for (long page = firstPage; page <= lastPage; page++)
        {
            final long frame = pageToFrame.get(page);
            if (NO_FRAME == frame)
            {
                missing++;
            }
            else if (CLEAN == frameState[(int)frame])
            {
                cleanInRange++;
            }
        }
        final int free = freeCount();
        final int cleanPages = frameCount - free - dirtyPages;
        return missing <= free + cleanPages - cleanInRange;
    }

    private void loadIfMissing(final long page, final long firstPage, final long lastPage) throws IOException
    {
        if (NO_FRAME != pageToFrame.get(page))
        {
            return;
        }
        final int frame = allocate(page, firstPage, lastPage);
        final int offset = frameOffset(frame);
        memoryView.clear().position(offset).limit(offset + pageSize);
        try
        {
            device.read(page, memoryView);
        }
        catch (final IOException | RuntimeException ex)
        {
            release(frame);
            throw ex;
        }
        writeLoads++;
    }

    private int allocate(final long page, final long firstPage, final long lastPage)
    {
        final int frame = freeCount() > 0 ? takeFree() : evict(firstPage, lastPage);
        framePage[frame] = page;
        frameState[frame] = CLEAN;
        frameLsn[frame] = 0;
        frameWriteSeq[frame] = 0;
        frameReferenced[frame] = true;
        pageToFrame.put(page, frame);
        return frame;
    }

    private int evict(final long keepFirstPage, final long keepLastPage)
    {
        for (int scanned = 0, limit = 2 * frameCount + 1; scanned < limit; scanned++)
        {
            final int frame = clockHand;
            clockHand = frame + 1 == frameCount ? 0 : frame + 1;
            if (CLEAN != frameState[frame])
            {
                continue;
            }
            final long page = framePage[frame];
            if (page >= keepFirstPage && page <= keepLastPage)
            {
                continue;
            }
            if (frameReferenced[frame])
            {
                frameReferenced[frame] = false;
                continue;
            }
            pageToFrame.remove(page);
            evictions++;
            return frame;
        }
        throw new IllegalStateException("no clean page to evict, though the capacity check found one");
    }

    private void release(final int frame)
    {
        pageToFrame.remove(framePage[frame]);
        framePage[frame] = -1;
        frameState[frame] = FREE;
        freeFrames[freedCount++] = frame;
    }

    private int takeFree()
    {
        return freedCount > 0 ? freeFrames[--freedCount] : nextUnused++;
    }

    /**
     * @return frames holding no page: those given back and those never used.
     */
    private int freeCount()
    {
        return freedCount + frameCount - nextUnused;
    }

    private void markDirty(final int frame, final long lsn, final long seq)
    {
        if (DIRTY != frameState[frame])
        {
            frameState[frame] = DIRTY;
            frameLsn[frame] = lsn;
            dirtyPages++;
        }
        else if (lsn > frameLsn[frame])
        {
            frameLsn[frame] = lsn;
        }
        frameWriteSeq[frame] = seq;
        frameReferenced[frame] = true;
    }

    private int frameOffset(final int frame)
    {
        return frame << pageShift;
    }

    private void checkRange(final long volumeOffset, final long length)
    {
        if (volumeOffset < 0 || length < 0 || volumeOffset > volumeSize - length)
        {
            throw new IllegalArgumentException("range [" + volumeOffset + ", +" + length +
                ") outside the volume of " + volumeSize + " bytes");
        }
    }
}
