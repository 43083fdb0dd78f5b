package io.tandem.primary.cache;

/**
 * The pages one consistency point destages: the frames dirty when it started, in arrival order (ascending last
 * LSN, then page index so a multi-page write goes out sequentially), with the write sequence each frame had when
 * it was written to the pool.
 * <p>
 * Sized once for every frame of the cache; collecting and sorting allocate nothing (an in-place heap sort).
 * Not thread-safe: used by the agent that steps the {@link ConsistencyPoint}.
 */
final class DestageList
{
    private final int[] frames;
    private final long[] pages;
    private final long[] lsns;
    private final long[] destagedWriteSeqs;
    private int size;

    DestageList(final int capacity)
    {
        frames = new int[capacity];
        pages = new long[capacity];
        lsns = new long[capacity];
        destagedWriteSeqs = new long[capacity];
    }

    /**
     * Replaces the list with every dirty frame of {@code cache}, sorted in arrival order.
     */
    void collect(final PageCache cache)
    {
        size = 0;
        for (int frame = 0, count = cache.frameCount(); frame < count; frame++)
        {
            if (PageCache.DIRTY == cache.frameState(frame))
            {
                frames[size] = frame;
                pages[size] = cache.framePage(frame);
                lsns[size] = cache.frameLsn(frame);
                destagedWriteSeqs[size] = -1;
                size++;
            }
        }
        sort();
    }

    int size()
    {
        return size;
    }

    int frame(final int index)
    {
        return frames[index];
    }

    long page(final int index)
    {
        return pages[index];
    }

    long lsn(final int index)
    {
        return lsns[index];
    }

    long destagedWriteSeq(final int index)
    {
        return destagedWriteSeqs[index];
    }

    void destagedWriteSeq(final int index, final long writeSeq)
    {
        destagedWriteSeqs[index] = writeSeq;
    }

    private void sort()
    {
        for (int i = size / 2 - 1; i >= 0; i--)
        {
            siftDown(i, size);
        }
        for (int end = size - 1; end > 0; end--)
        {
            swap(0, end);
            siftDown(0, end);
        }
    }

    private void siftDown(final int start, final int end)
    {
        int root = start;
        while (true)
        {
            int child = 2 * root + 1;
            if (child >= end)
            {
                return;
            }
            if (child + 1 < end && isBefore(child, child + 1))
            {
                child++;
            }
            if (!isBefore(root, child))
            {
                return;
            }
            swap(root, child);
            root = child;
        }
    }

    private boolean isBefore(final int a, final int b)
    {
        return lsns[a] < lsns[b] || (lsns[a] == lsns[b] && pages[a] < pages[b]);
    }

    private void swap(final int a, final int b)
    {
        final int frame = frames[a];
        frames[a] = frames[b];
        frames[b] = frame;
        final long page = pages[a];
        pages[a] = pages[b];
        pages[b] = page;
        final long lsn = lsns[a];
        lsns[a] = lsns[b];
        lsns[b] = lsn;
    }
}
