package io.tandem.secondary.takeover;

import io.tandem.recovery.consumer.WalkSnapshot;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * How a {@link Takeover} ended: whether the pool is now this controller's with every mirrored write in it, what
 * was replayed, and how long each phase took. A phase's duration runs from the first of its steps starting to
 * the last ending (the fence's includes loading the superblock); phases resumed from an earlier, interrupted
 * takeover count 0.
 * <p>
 * Immutable; thread-safe.
 */
public final class TakeoverResult
{
    private final String operationId;
    private final boolean passed;
    private final String failedStep;
    private final Throwable cause;
    private final long previousEpoch;
    private final long newEpoch;
    private final long cpLsnBefore;
    private final long cpLsnAfter;
    private final long[] recordsReplayed;
    private final long[] bytesReplayed;
    private final long fenceNs;
    private final long scanNs;
    private final long collectNs;
    private final long replayNs;
    private final long scanToReplayedNs;
    private final long cpNs;
    private final String fenceDetail;
    private final WalkSnapshot snapshot;

    TakeoverResult(
        final String operationId,
        final boolean passed,
        final String failedStep,
        final Throwable cause,
        final long previousEpoch,
        final long newEpoch,
        final long cpLsnBefore,
        final long cpLsnAfter,
        final long[] recordsReplayed,
        final long[] bytesReplayed,
        final long fenceNs,
        final long scanNs,
        final long collectNs,
        final long replayNs,
        final long scanToReplayedNs,
        final long cpNs,
        final String fenceDetail,
        final WalkSnapshot snapshot)
    {
        this.operationId = operationId;
        this.passed = passed;
        this.failedStep = failedStep;
        this.cause = cause;
        this.previousEpoch = previousEpoch;
        this.newEpoch = newEpoch;
        this.cpLsnBefore = cpLsnBefore;
        this.cpLsnAfter = cpLsnAfter;
        this.recordsReplayed = recordsReplayed.clone();
        this.bytesReplayed = bytesReplayed.clone();
        this.fenceNs = fenceNs;
        this.scanNs = scanNs;
        this.collectNs = collectNs;
        this.replayNs = replayNs;
        this.scanToReplayedNs = scanToReplayedNs;
        this.cpNs = cpNs;
        this.fenceDetail = fenceDetail;
        this.snapshot = snapshot;
    }

    /**
     * @return {@code takeover-epoch-<E>}, E the pool's epoch before the takeover: the key it resumes by.
     */
    public String operationId()
    {
        return operationId;
    }

    /**
     * @return true if this controller owns the pool in {@link #newEpoch()} and the pool holds every mirrored
     * write up to {@link #cpLsnAfter()}: the caller may serve.
     */
    public boolean passed()
    {
        return passed;
    }

    /**
     * @return the first step that failed, or null.
     */
    public String failedStep()
    {
        return failedStep;
    }

    /**
     * @return why it failed, or null.
     */
    public Throwable cause()
    {
        return cause;
    }

    public long previousEpoch()
    {
        return previousEpoch;
    }

    /**
     * @return the epoch this controller owns the pool in; the previous epoch if the fence did not happen.
     */
    public long newEpoch()
    {
        return newEpoch;
    }

    public long cpLsnBefore()
    {
        return cpLsnBefore;
    }

    /**
     * @return the pool's CP LSN after the takeover's consistency point: the LSN the serving controller goes on
     * from.
     */
    public long cpLsnAfter()
    {
        return cpLsnAfter;
    }

    public int streamCount()
    {
        return recordsReplayed.length;
    }

    public long recordsReplayed(final int stream)
    {
        return recordsReplayed[stream];
    }

    public long bytesReplayed(final int stream)
    {
        return bytesReplayed[stream];
    }

    public long recordsReplayed()
    {
        return Arrays.stream(recordsReplayed).sum();
    }

    public long bytesReplayed()
    {
        return Arrays.stream(bytesReplayed).sum();
    }

    /**
     * @return bytes replayed per second from the start of the scan (or the collect beside it) to the end of the
     * replay: the rate a takeover's replay of a full log is judged by; 0 if nothing was replayed.
     */
    public double scanAndReplayBytesPerSecond()
    {
        return 0 == scanToReplayedNs ? 0 : bytesReplayed() * 1e9 / scanToReplayedNs;
    }

    /**
     * @return from the start of the scan (or the collect beside it, whichever began first) to the end of the replay;
     * 0 if they did not all run in this takeover.
     */
    public long scanToReplayedNs()
    {
        return scanToReplayedNs;
    }

    public long scanToReplayedMs()
    {
        return TimeUnit.NANOSECONDS.toMillis(scanToReplayedNs);
    }

    /**
     * @return how long reading the log into a plan took, beside the scan.
     */
    public long collectNs()
    {
        return collectNs;
    }

    public long collectMs()
    {
        return TimeUnit.NANOSECONDS.toMillis(collectNs);
    }

    public long fenceMs()
    {
        return TimeUnit.NANOSECONDS.toMillis(fenceNs);
    }

    public long scanMs()
    {
        return TimeUnit.NANOSECONDS.toMillis(scanNs);
    }

    public long replayMs()
    {
        return TimeUnit.NANOSECONDS.toMillis(replayNs);
    }

    public long cpMs()
    {
        return TimeUnit.NANOSECONDS.toMillis(cpNs);
    }

    public long fenceNs()
    {
        return fenceNs;
    }

    public long scanNs()
    {
        return scanNs;
    }

    public long replayNs()
    {
        return replayNs;
    }

    public long cpNs()
    {
        return cpNs;
    }

    /**
     * @return what the fence did to the partner's process, or null if it did not run.
     */
    public String fenceDetail()
    {
        return fenceDetail;
    }

    /**
     * @return every step's final status: failed ones with their causes, skipped ones, resumed ones; null if the
     * takeover failed before its steps began.
     */
    public WalkSnapshot snapshot()
    {
        return snapshot;
    }

    /**
     * @return one line: the outcome, epochs, CP LSNs, what was replayed and how long each phase took.
     */
    public String toString()
    {
        final StringBuilder text = new StringBuilder(operationId).append(passed ? " passed" : " FAILED");
        if (!passed)
        {
            text.append(" at ").append(failedStep).append(": ").append(null == cause ? "?" : cause.getMessage());
        }
        text.append("; epoch ").append(previousEpoch).append(" -> ").append(newEpoch)
            .append("; cp LSN ").append(cpLsnBefore).append(" -> ").append(cpLsnAfter)
            .append("; replayed ").append(recordsReplayed()).append(" records, ").append(bytesReplayed())
            .append(" bytes ").append(Arrays.toString(recordsReplayed))
            .append("; fence ").append(fenceMs()).append(" ms, scan ").append(scanMs())
            .append(" ms, collect ").append(collectMs()).append(" ms, replay ").append(replayMs())
            .append(" ms (scan to replayed ").append(scanToReplayedMs()).append(" ms), cp ").append(cpMs())
            .append(" ms");
        return text.toString();
    }
}
