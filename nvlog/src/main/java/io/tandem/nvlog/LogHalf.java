package io.tandem.nvlog;

/**
 * The state of one half of the log, kept by the log's thread. Not thread-safe.
 */
final class LogHalf
{
    final int index;
    final long start;
    final long end;
    long generation;
    /** Device address of the next record; the first record is the half's start record. */
    long appendAddress;
    boolean inUse;
    boolean released;
    boolean sealed;
    long records;
    long minLsn = Long.MAX_VALUE;
    long maxLsn = Long.MIN_VALUE;

    LogHalf(final int index, final long start, final long end)
    {
        this.index = index;
        this.start = start;
        this.end = end;
        this.appendAddress = start;
    }

    /**
     * @return the half may become the active one: it holds nothing to replay.
     */
    boolean isFree()
    {
        return !inUse || released;
    }

    void startGeneration(final long generation, final long firstRecordAddress)
    {
        this.generation = generation;
        this.appendAddress = firstRecordAddress;
        this.inUse = true;
        this.released = false;
        this.sealed = false;
        this.records = 0;
        this.minLsn = Long.MAX_VALUE;
        this.maxLsn = Long.MIN_VALUE;
    }

    void onRecord(final long lsn, final int alignedLength)
    {
        appendAddress += alignedLength;
        records++;
        minLsn = Math.min(minLsn, lsn);
        maxLsn = Math.max(maxLsn, lsn);
    }

    long bytesUsed()
    {
        return appendAddress - start;
    }
}
