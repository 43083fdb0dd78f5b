package io.tandem.secondary.takeover;

import io.tandem.controller.replay.Replay;
import io.tandem.controller.replay.ReplayPlan;
import io.tandem.nvlog.LogRecord;
import io.tandem.nvlog.NvLog;
import org.agrona.concurrent.NanoClock;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * What a takeover's replay will write, read from the mirror log without writing anything ({@link ReplayPlan}), and
 * what that walk of the log found: the collect step's product, which the replay writes.
 * <p>
 * Immutable once made, but for the plan, which the replay writes: hand it over through a happens-before edge (a
 * step's end).
 */
final class CollectedPlan
{
    final ReplayPlan plan;
    /** Records above the CP LSN collected. */
    final long records;
    /** The highest LSN among them, -1 for none. */
    final long highestLsn;
    /** How long reading the log into the plan took, its sorting not counted. */
    final long readNs;

    private CollectedPlan(final ReplayPlan plan, final long records, final long highestLsn, final long readNs)
    {
        this.plan = plan;
        this.records = records;
        this.highestLsn = highestLsn;
        this.readNs = readNs;
    }

    /**
     * Reads what the records of every stream of {@code mirror} above {@code cpLsn} change, writing nothing, and
     * sorts it.
     */
    static CollectedPlan collect(final NvLog mirror, final long cpLsn, final int blockSize, final NanoClock clock)
    {
        final long startNs = clock.nanoTime();
        final ReplayPlan plan = new ReplayPlan(blockSize);
        final Replay replay;
        try
        {
            replay = new Replay(plan, cpLsn).replay(mirror, Integer.MIN_VALUE, new LogRecord());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex); // a plan does no I/O
        }
        final long readNs = clock.nanoTime() - startNs;
        plan.sort(clock);
        return new CollectedPlan(plan, replay.records(), replay.highestLsnReplayed(), readNs);
    }
}
