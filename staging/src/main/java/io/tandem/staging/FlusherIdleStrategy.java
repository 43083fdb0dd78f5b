package io.tandem.staging;

import org.agrona.concurrent.IdleStrategy;

import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * How the flusher's own thread idles: spin, then yield, then park until a writer wakes it. A write that finds
 * the flusher parked unparks it ({@link #wake()}), so a write arriving after a quiet spell is flushed at once
 * instead of after the rest of a back-off park; the park is still bounded by {@link #maxParkNs} in case a
 * wake-up is missed.
 * <p>
 * Thread-safe: {@link #idle} runs on the flusher's thread, {@link #wake()} on any writer's.
 */
final class FlusherIdleStrategy implements IdleStrategy
{
    private static final int SPINS = 100;
    private static final int YIELDS = 10;

    private final long maxParkNs;
    private final BooleanSupplier hasWork;
    private volatile Thread sleeper;
    private int idleCount;

    FlusherIdleStrategy(final long maxParkNs, final BooleanSupplier hasWork)
    {
        this.maxParkNs = maxParkNs;
        this.hasWork = hasWork;
    }

    /**
     * Unparks the flusher if it is parked. Cheap when it is not: one volatile read.
     */
    void wake()
    {
        final Thread thread = sleeper;
        if (null != thread)
        {
            LockSupport.unpark(thread);
        }
    }

    public void idle(final int workCount)
    {
        if (workCount > 0)
        {
            idleCount = 0;
            return;
        }
        idle();
    }

    public void idle()
    {
        if (idleCount < SPINS)
        {
            idleCount++;
            Thread.onSpinWait();
        }
        else if (idleCount < SPINS + YIELDS)
        {
            idleCount++;
            Thread.yield();
        }
        else
        {
            sleeper = Thread.currentThread();
            if (!hasWork.getAsBoolean())
            {
                LockSupport.parkNanos(maxParkNs);
            }
            sleeper = null;
        }
    }

    public void reset()
    {
        idleCount = 0;
    }

    public String alias()
    {
        return "flusher";
    }
}
