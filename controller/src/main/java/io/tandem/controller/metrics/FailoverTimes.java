package io.tandem.controller.metrics;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * How long this controller's last takeover and last giveback took, step by step, and how many of each ended
 * which way: written once per takeover (on its thread) or giveback (on the agent, allocating nothing), read by
 * scrapes. A scrape during the write of a new one may show steps of both; the next shows the new one whole.
 * <p>
 * Thread-safe.
 */
public final class FailoverTimes
{
    /** A takeover's steps, as {@code TakeoverResult} times them; TOTAL is from the decision to serving. */
    public enum TakeoverStep
    {
        DETECTION, FENCE, SCAN, REPLAY, CP, TOTAL
    }

    /**
     * A giveback's steps: the consistency point taken while clients still write, the quiesce (I/O refused, writes
     * in flight finished, the last consistency point, the service address let go of), the hand-over of the pool.
     */
    public enum GivebackStep
    {
        CP_WHILE_WRITING, QUIESCE, HAND_OVER, TOTAL
    }

    private final AtomicLongArray takeoverNs = new AtomicLongArray(TakeoverStep.values().length);
    private final AtomicLongArray givebackNs = new AtomicLongArray(GivebackStep.values().length);
    private final AtomicLong takeoversDone = new AtomicLong();
    private final AtomicLong takeoversFailed = new AtomicLong();
    private final AtomicLong givebacksDone = new AtomicLong();
    private final AtomicLong givebacksAborted = new AtomicLong();

    /**
     * A takeover ended; a step it did not reach (or a detection on command) is 0.
     */
    public void takeover(
        final boolean passed,
        final long detectionNs,
        final long fenceNs,
        final long scanNs,
        final long replayNs,
        final long cpNs,
        final long totalNs)
    {
        takeoverNs.set(TakeoverStep.DETECTION.ordinal(), detectionNs);
        takeoverNs.set(TakeoverStep.FENCE.ordinal(), fenceNs);
        takeoverNs.set(TakeoverStep.SCAN.ordinal(), scanNs);
        takeoverNs.set(TakeoverStep.REPLAY.ordinal(), replayNs);
        takeoverNs.set(TakeoverStep.CP.ordinal(), cpNs);
        takeoverNs.set(TakeoverStep.TOTAL.ordinal(), totalNs);
        (passed ? takeoversDone : takeoversFailed).incrementAndGet();
    }

    /**
     * A giveback ended: handed over, or aborted (serving again); a step it did not reach is 0.
     */
    public void giveback(
        final boolean handedOver,
        final long cpWhileWritingNs,
        final long quiesceNs,
        final long handOverNs,
        final long totalNs)
    {
        givebackNs.set(GivebackStep.CP_WHILE_WRITING.ordinal(), cpWhileWritingNs);
        givebackNs.set(GivebackStep.QUIESCE.ordinal(), quiesceNs);
        givebackNs.set(GivebackStep.HAND_OVER.ordinal(), handOverNs);
        givebackNs.set(GivebackStep.TOTAL.ordinal(), totalNs);
        (handedOver ? givebacksDone : givebacksAborted).incrementAndGet();
    }

    /**
     * Writes the last takeover's and giveback's steps and the counts of each.
     */
    public void write(final MetricsWriter out)
    {
        for (final TakeoverStep step : TakeoverStep.values())
        {
            out.gauge("tandem_takeover_step_duration_seconds", "How long each step of this controller's last " +
                "takeover took (total: from the decision to serving)", takeoverNs.get(step.ordinal()) / 1e9,
                "step", step.name().toLowerCase());
        }
        out.counter("tandem_takeovers", "Takeovers this controller ran, by outcome", takeoversDone.get(),
            "outcome", "done");
        out.counter("tandem_takeovers", "Takeovers this controller ran, by outcome", takeoversFailed.get(),
            "outcome", "failed");
        for (final GivebackStep step : GivebackStep.values())
        {
            out.gauge("tandem_giveback_step_duration_seconds", "How long each step of this controller's last " +
                "giveback took", givebackNs.get(step.ordinal()) / 1e9, "step", step.name().toLowerCase());
        }
        out.counter("tandem_givebacks", "Givebacks this controller ran, by outcome", givebacksDone.get(),
            "outcome", "done");
        out.counter("tandem_givebacks", "Givebacks this controller ran, by outcome", givebacksAborted.get(),
            "outcome", "aborted");
    }
}
