package io.tandem.primary.cache;

/**
 * The pages one consistency point destages: the frames dirty when it started, in arrival order (ascending last
 * LSN, then page index so a multi-page write goes out sequentially), with the write sequence each frame had when
 * it was written to the pool.
 * <p>
 * Sized once for every frame of the cache; collecting and sorting allocate nothing (an in-place heap sort).
 * Collecting only builds the heap, in linear time, and the order comes out as it is needed,
 * {@link #sortUpTo(int)} a destage step ahead: a CP's one atomic step stays short however many pages are dirty
 * (a whole heap sort of 30,000 pages took milliseconds, stalling every write for as long), and the sorting is spread
 * over the steps that destage. Entries are valid below the count sorted so far.
 * <p>
 * Not thread-safe: used by the agent that steps the {@link ConsistencyPoint}.
 */
final class DestageList
{
    private final int[] frames;
    private final long[] pages;
    private final long[] lsns;
    private final long[] destagedWriteSeqs;
    private int size;
    private int sorted;

    DestageList(final int capacity)
    {
        frames = new int[capacity];
        pages = new long[capacity];
        lsns = new long[capacity];
        destagedWriteSeqs = new long[capacity];
    }

    /**
     * Replaces the list with every dirty frame of {@code cache}, to come out in arrival order through
     * {@link #sortUpTo(int)}.
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
        heapify();
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

    /**
     * Puts the first {@code count} entries (or all) in their final place.
     */
    void sortUpTo(final int count)
    {
        final int target = Math.min(count, size);
        while (sorted < target)
        {
            // the heap's root, its smallest entry, goes to the first unsorted place: the heap's last slot
            final int last = size - sorted - 1;
            swap(heapIndex(0), heapIndex(last));
            sorted++;
            siftDown(0, last);
        }
    }

    /**
     * @return how many entries are in their final place.
     */
    int sortedCount()
    {
        return sorted;
    }

    /**
     * A min-heap over the unsorted entries, kept at the end of the arrays and indexed from the back: heap slot
     * {@code h} is entry {@code size - 1 - h}, so the sorted entries grow from the front as the heap shrinks.
     */
    private void heapify()
    {
        sorted = 0;
        for (int h = size / 2 - 1; h >= 0; h--)
        {
            siftDown(h, size);
        }
    }

    private int heapIndex(final int slot)
    {
        return size - 1 - slot;
    }

    private void siftDown(final int start, final int heapSize)
    {
        int root = start;
        while (true)
        {
            int child = 2 * root + 1;
            if (child >= heapSize)
            {
                return;
            }
            if (child + 1 < heapSize && isBefore(heapIndex(child + 1), heapIndex(child)))
            {
                child++;
            }
            if (!isBefore(heapIndex(child), heapIndex(root)))
            {
                return;
            }
            swap(heapIndex(root), heapIndex(child));
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
