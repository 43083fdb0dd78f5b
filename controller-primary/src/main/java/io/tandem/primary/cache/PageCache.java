package io.tandem.primary.cache;

import io.tandem.controller.pool.AllocationMap;
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
 * The volume's {@link AllocationMap} (one block a page) is the cache's too: a page the map says reads as zeroes
 * is read as zeroes, and loaded as zeroes for a partial write, whatever the pool holds there; a cached page of such
 * a block holds zeroes. A write marks the pages it touches data. Zeroing whole pages marks them zero (or hole) and
 * writes nothing but the zeroes of those that are cached; only a page zeroed in part is changed as a write
 * changes it. So zeroing costs a map update, not the volume's bytes, in the cache, the NVLog and the pool.
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
    private final AllocationMap map;
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
    private long zeroReads;
    private long cacheFullCount;

    /**
     * Allocates the cache memory ({@link PageCacheContext#capacity()} bytes off-heap); concludes the context.
     */
    public PageCache(final PageCacheContext ctx)
    {
        ctx.conclude();
        device = ctx.device();
        map = ctx.allocationMap();
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
     * Writes {@code length} zero bytes at {@code volumeOffset}. Whole pages are marked in the map, zero or
     * ({@code hole}) hole, and only those cached are zeroed in memory (dirty: the CP writes their zeroes); a page
     * zeroed in part is changed as a write changes it, unless it reads as zeroes already. Same contract as
     * {@link #write(long, DirectBuffer, int, int, long)}: {@link #CACHE_FULL} if a page zeroed in part needs a frame
     * and none is free or clean, nothing applied.
     */
    public int writeZeroes(final long volumeOffset, final long length, final long lsn, final boolean hole)
        throws IOException
    {
        checkRange(volumeOffset, length);
        if (0 == length)
        {
            return OK;
        }
        final long end = volumeOffset + length;
        final long firstPage = volumeOffset >>> pageShift;
        final long lastPage = (end - 1) >>> pageShift;
        final long firstWhole = (volumeOffset + pageMask) >>> pageShift;
        final long endWhole = end >>> pageShift;
        final long head = firstPage < firstWhole || endWhole <= firstPage ? firstPage : -1;
        final long tail = lastPage >= endWhole && lastPage != head ? lastPage : -1;
        final boolean headToChange = head >= 0 && !map.readsZero(head);
        final boolean tailToChange = tail >= 0 && !map.readsZero(tail);
        if (!canTakeParts(headToChange ? head : -1, tailToChange ? tail : -1))
        {
            cacheFullCount++;
            return CACHE_FULL;
        }

        final long seq = ++writeSeq;
        if (headToChange)
        {
            zeroPart(head, volumeOffset, Math.min(end, (head + 1) << pageShift), tail, lsn, seq);
        }
        if (tailToChange)
        {
            zeroPart(tail, tail << pageShift, end, head, lsn, seq);
        }
        if (endWhole > firstWhole)
        {
            for (long page = firstWhole; page < endWhole; page++)
            {
                final int frame = (int)pageToFrame.get(page);
                if (NO_FRAME != frame)
                {
                    memoryBuffer.setMemory(frameOffset(frame), pageSize, (byte)0);
                    markDirty(frame, lsn, seq);
                }
            }
            map.markZero(firstWhole, endWhole - firstWhole, hole);
        }
        if (lsn > highestLsn)
        {
            highestLsn = lsn;
        }
        return OK;
    }

    /**
     * Zeroes bytes {@code from} to {@code to} of {@code page}, which holds data: loaded from the pool if not
     * cached (evicting neither it nor {@code keepPage}), changed in memory, dirty.
     */
    private void zeroPart(
        final long page, final long from, final long to, final long keepPage, final long lsn, final long seq)
        throws IOException
    {
        int frame = (int)pageToFrame.get(page);
        if (NO_FRAME == frame)
        {
            frame = load(page, page, page, keepPage);
        }
        memoryBuffer.setMemory(frameOffset(frame) + (int)(from & pageMask), (int)(to - from), (byte)0);
        markDirty(frame, lsn, seq);
    }

    /**
     * @return true if the pages zeroed in part ({@code pageA}, {@code pageB}, each -1 for none) that are not cached
     * can get a frame without evicting a dirty page or one another.
     */
    private boolean canTakeParts(final long pageA, final long pageB)
    {
        final int missing = missing(pageA) + missing(pageB);
        final int cleanKept = clean(pageA) + clean(pageB);
        return 0 == missing || missing <= freeCount() + (frameCount - freeCount() - dirtyPages) - cleanKept;
    }

    private int missing(final long page)
    {
        return page >= 0 && NO_FRAME == pageToFrame.get(page) ? 1 : 0;
    }

    private int clean(final long page)
    {
        if (page < 0)
        {
            return 0;
        }
        final long frame = pageToFrame.get(page);
        return NO_FRAME != frame && CLEAN == frameState[(int)frame] ? 1 : 0;
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
            else if (map.readsZero(page))
            {
                final long lastPage = (position + remaining - 1) >>> pageShift;
                long runEnd = page + 1;
                while (runEnd <= lastPage && NO_FRAME == pageToFrame.get(runEnd) && map.readsZero(runEnd))
                {
                    runEnd++;
                }
                copied = (int)Math.min((runEnd - page) * pageSize - inPage, remaining);
                dst.setMemory(dstIndex, copied, (byte)0);
                zeroReads += runEnd - page;
            }
            else
            {
                final long lastPage = (position + remaining - 1) >>> pageShift;
                long runEnd = page + 1;
                while (runEnd <= lastPage && runEnd - page < scratchPages && NO_FRAME == pageToFrame.get(runEnd) &&
                    !map.readsZero(runEnd))
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
     * @return pages read as zeroes from the allocation map, the pool not read.
     */
    public long zeroReads()
    {
        return zeroReads;
    }

    /**
     * @return the volume's allocation map, as the cache keeps it.
     */
    public AllocationMap allocationMap()
    {
        return map;
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
            memoryBuffer.putBytes(frameOffset(frame) + inPage, src, srcIndex, n);
            srcIndex += n;
            markDirty(frame, lsn, seq);
            position += n;
        }
        map.markData(firstPage, lastPage - firstPage + 1);
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
        final int free = freeCount();
        final int cleanPages = frameCount - free - dirtyPages;
        if (pages <= free + cleanPages)
        {
            // missing + cleanInRange <= pages, so the test below holds whatever the range's pages are: no lookups
            return true;
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
        return missing <= free + cleanPages - cleanInRange;
    }

    private void loadIfMissing(final long page, final long firstPage, final long lastPage) throws IOException
    {
        if (NO_FRAME == pageToFrame.get(page))
        {
            load(page, firstPage, lastPage, -1);
        }
    }

    /**
     * Gives {@code page} a frame holding what reading it returns: zeroes if the map says so, else its bytes in
     * the pool. A frame is evicted if need be, not one of pages {@code keepFirst} to {@code keepLast}, nor
     * {@code keepPage}.
     *
     * @return the frame, clean.
     */
    private int load(final long page, final long keepFirst, final long keepLast, final long keepPage)
        throws IOException
    {
        final int frame = allocate(page, keepFirst, keepLast, keepPage);
        final int offset = frameOffset(frame);
        if (map.readsZero(page))
        {
            memoryBuffer.setMemory(offset, pageSize, (byte)0);
            return frame;
        }
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
        return frame;
    }

    private int allocate(final long page, final long firstPage, final long lastPage)
    {
        return allocate(page, firstPage, lastPage, -1);
    }

    private int allocate(final long page, final long firstPage, final long lastPage, final long keepPage)
    {
        final int frame = freeCount() > 0 ? takeFree() : evict(firstPage, lastPage, keepPage);
        framePage[frame] = page;
        frameState[frame] = CLEAN;
        frameLsn[frame] = 0;
        frameWriteSeq[frame] = 0;
        frameReferenced[frame] = true;
        pageToFrame.put(page, frame);
        return frame;
    }

    private int evict(final long keepFirstPage, final long keepLastPage, final long keepPage)
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
            if (page >= keepFirstPage && page <= keepLastPage || page == keepPage)
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
