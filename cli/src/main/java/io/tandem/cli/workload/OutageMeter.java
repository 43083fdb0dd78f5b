package io.tandem.cli.workload;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The outage a workload's client saw: the longest time in which none of its requests completed, whether it waited
 * on a stalled server or was failing over to another. The workload's thread marks each completion; another thread
 * reads and restarts the measure window by window (a soak, cycle by cycle).
 * <p>
 * Thread-safe for one marking thread and any number of readers.
 */
public final class OutageMeter
{
    private final AtomicLong lastCompletionNs = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong longestNs = new AtomicLong();

    /**
     * A request completed (or the run started) at {@code nowNs}.
     */
    public void completed(final long nowNs)
    {
        final long last = lastCompletionNs.getAndSet(nowNs);
        if (Long.MIN_VALUE != last && nowNs - last > longestNs.get())
        {
            longestNs.accumulateAndGet(nowNs - last, Math::max);
        }
    }

    /**
     * @return the longest time without a completion since the last call (or the start), counting the time since
     * the last completion if that is longer; the window starts again.
     */
    public long takeLongestNs(final long nowNs)
    {
        final long last = lastCompletionNs.get();
        final long ongoing = Long.MIN_VALUE == last ? 0 : Math.max(0, nowNs - last);
        return Math.max(ongoing, longestNs.getAndSet(0));
    }
}
