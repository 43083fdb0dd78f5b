package io.tandem.raid;

import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;

import java.io.IOException;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Rebuilds the members of a pool's arrays in the background (and, with none to rebuild, runs a scrub asked for),
 * throttled as Linux md throttles a resync: at the maximum rate while clients leave the arrays alone, at the minimum
 * while they read or write them, so client I/O keeps its latency and a rebuild still ends. Reads count as much as
 * writes: a controller's pool sees client writes only at its consistency points, and its cache misses are reads
 * that wait on the stripes the rebuild holds. A rebuild stops while its controller may not write the pool (its
 * lease is out), and resumes from the member's position.
 * <p>
 * Not thread-safe: one thread runs it.
 */
public final class RebuildAgent implements Agent
{
    /** Bytes per second a rebuild may always move, even under client I/O. */
    public static final String MIN_RATE_PROP_NAME = "tandem.pool.rebuildMinRate";
    public static final long MIN_RATE_DEFAULT = 16L * 1024 * 1024;
    /** Bytes per second a rebuild moves at most, when clients are quiet. */
    public static final String MAX_RATE_PROP_NAME = "tandem.pool.rebuildMaxRate";
    public static final long MAX_RATE_DEFAULT = 2L * 1024 * 1024 * 1024;

    private static final long QUIET_NS = TimeUnit.MILLISECONDS.toNanos(100);

    private final Collection<RaidArray> arrays;
    private final NanoClock clock;
    private final BooleanSupplier mayWrite;
    private final long minRate;
    private final long maxRate;
    private long lastNs;
    private long lastWrites = -1;
    private long lastWriteNs;
    private double credit;
    private volatile long errors;
    private volatile String lastError = "";

    public RebuildAgent(
        final Collection<RaidArray> arrays,
        final NanoClock clock,
        final BooleanSupplier mayWrite,
        final long minRate,
        final long maxRate)
    {
        if (minRate < 1 || maxRate < minRate)
        {
            throw new IllegalArgumentException("rebuild rates need 0 < min <= max: " + minRate + ", " + maxRate);
        }
        this.arrays = arrays;
        this.clock = clock;
        this.mayWrite = mayWrite;
        this.minRate = minRate;
        this.maxRate = maxRate;
        this.lastNs = clock.nanoTime();
    }

    public String roleName()
    {
        return "tandem-rebuild";
    }

    public int doWork()
    {
        final long nowNs = clock.nanoTime();
        long writes = 0;
        RaidArray rebuilding = null;
        RaidArray scrubbing = null;
        for (final RaidArray array : arrays)
        {
            writes += array.clientIo();
            if (null == rebuilding && array.rebuildingSlot() >= 0)
            {
                rebuilding = array;
            }
            if (null == scrubbing && array.scrubbing())
            {
                scrubbing = array;
            }
        }
        if (writes != lastWrites)
        {
            lastWrites = writes;
            lastWriteNs = nowNs;
        }
        final long elapsedNs = Math.min(nowNs - lastNs, TimeUnit.MILLISECONDS.toNanos(100));
        lastNs = nowNs;
        final RaidArray working = null != rebuilding ? rebuilding : scrubbing;
        if (null == working || !mayWrite.getAsBoolean())
        {
            credit = 0;
            return 0;
        }
        final long rate = nowNs - lastWriteNs >= QUIET_NS ? maxRate : minRate;
        credit += rate * (elapsedNs / 1e9);
        final int stripeBytes = working.geometry().chunkBytes();
        final int stripes = (int)Math.min(64, credit / stripeBytes);
        if (stripes < 1)
        {
            return 0;
        }
        credit -= (double)stripes * stripeBytes;
        try
        {
            return working == rebuilding ? rebuilding.rebuildStep(stripes) : scrubbing.scrubStep(stripes);
        }
        catch (final IOException | RuntimeException ex)
        {
            errors++;
            lastError = ex.toString();
            return 0;
        }
    }

    public long errors()
    {
        return errors;
    }

    public String lastError()
    {
        return lastError;
    }
}
