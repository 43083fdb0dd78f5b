package io.tandem.interconnect.idle;

import org.agrona.CloseHelper;
import org.agrona.concurrent.IdleStrategy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.function.Consumer;

/**
 * Idles an agent whose work arrives on sockets by sleeping in the kernel until one of them is ready.
 * <p>
 * The owners of the agent's sockets (the NBD server, the interconnect's invoked media driver) register them here
 * through {@link #watch(SelectableChannel, int)} as well as with their own selectors, which they keep polling
 * without blocking each duty cycle. When a duty cycle did no work, this strategy polls every watched socket at
 * once without blocking, {@code maxSpins} times back to back, then {@code maxYields} times with a
 * {@code sched_yield} between polls, and ends the idle as soon as a socket is ready or {@link #wake()} was called;
 * only then does it block, in one {@code epoll_wait} over every watched socket for at most {@code maxBlockMs}. A
 * poll costs one non-blocking {@code epoll_wait}, not a duty cycle of its owners' polls; the yields keep the agent
 * on its core through the round trip of a mirrored write (about 50 us here) while giving the core away whenever
 * fio or the partner has work for it. A request or frame wakes a blocked agent at once, and a quiet agent costs
 * nothing. Work that does not arrive on a socket (a flush completed on another thread, a command) calls
 * {@link #wake()}; timers are served within {@code maxBlockMs}.
 * <p>
 * Why not spin or park (Agrona's {@code BackoffIdleStrategy}): on a machine with fewer cores than busy threads, an
 * agent spinning through duty cycles of non-blocking selects takes the core its peer, or the client, needs; and a
 * parked agent is woken by its timer, not by the frame that arrived, which puts a park's length on every hop.
 * <p>
 * The watched keys carry the interest their owner sets ({@link SelectionKey#interestOps(int)}): a socket its owner
 * stopped reading must not wake the agent. Readiness is level-triggered, so a socket left unread wakes the next
 * idle at once.
 * <p>
 * Thread-safe: {@link #wake()} and {@link #watch(SelectableChannel, int)} from any thread; {@link #idle(int)},
 * {@link #idle()} and {@link #reset()} on the agent's thread only.
 */
public final class SelectorIdleStrategy implements IdleStrategy, ChannelWatcher, AutoCloseable
{
    public static final String ALIAS = "selector";
    public static final int MAX_SPINS_DEFAULT = 10;
    public static final int MAX_YIELDS_DEFAULT = 50;
    public static final long MAX_BLOCK_MS_DEFAULT = 1;

    private final Selector selector;
    private final Consumer<SelectionKey> ignoreKey = key -> {};
    private final int maxSpins;
    private final int maxYields;
    private final long maxBlockMs;
    /** This idle period's polls are spent: idle again and it blocks; work ({@link #reset()}) clears it. */
    private boolean polled;
    private volatile long blocks;
    private long spinPolls;
    private volatile boolean woken;

    public SelectorIdleStrategy()
    {
        this(MAX_SPINS_DEFAULT, MAX_YIELDS_DEFAULT, MAX_BLOCK_MS_DEFAULT);
    }

    /**
     * @param maxSpins   polls of the watched sockets back to back when a duty cycle did no work.
     * @param maxYields  polls after those, each after a yield, before blocking.
     * @param maxBlockMs the longest block in the kernel, in milliseconds (at least 1): how late a timer may be served.
     */
    public SelectorIdleStrategy(final int maxSpins, final int maxYields, final long maxBlockMs)
    {
        if (maxSpins < 0 || maxYields < 0 || maxBlockMs < 1)
        {
            throw new IllegalArgumentException("need maxSpins >= 0, maxYields >= 0, maxBlockMs >= 1: " +
                maxSpins + ", " + maxYields + ", " + maxBlockMs);
        }
        this.maxSpins = maxSpins;
        this.maxYields = maxYields;
        this.maxBlockMs = maxBlockMs;
        try
        {
            this.selector = Selector.open();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot open a selector for the idle strategy", ex);
        }
    }

    /**
     * Wakes the agent on {@code interestOps} of {@code channel} (non-blocking), until it is closed or the key is
     * cancelled.
     *
     * @return the key whose interest the owner keeps in step with its own, or null if the channel is closed.
     */
    public SelectionKey watch(final SelectableChannel channel, final int interestOps)
    {
        try
        {
            return channel.register(selector, interestOps);
        }
        catch (final ClosedChannelException ex)
        {
            return null;
        }
    }

    /**
     * Ends the current or next block at once. From any thread; costs a write to an event descriptor.
     */
    public void wake()
    {
        woken = true;
        selector.wakeup();
    }

    public void releaseClosed()
    {
        try
        {
            selector.selectNow(ignoreKey);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("releasing closed channels failed", ex);
        }
    }

    public void idle(final int workCount)
    {
        if (workCount > 0)
        {
            reset();
        }
        else
        {
            idle();
        }
    }

    public void idle()
    {
        if (!polled)
        {
            polled = true;
            if (poll(maxSpins, false) || poll(maxYields, true))
            {
                return;
            }
        }
        block();
    }

    public void reset()
    {
        polled = false;
    }

    /**
     * @return how many times the agent blocked in the kernel; any thread may read it.
     */
    public long blocks()
    {
        return blocks;
    }

    /**
     * @return non-blocking polls made before blocking; for tests.
     */
    long spinPolls()
    {
        return spinPolls;
    }

    public String alias()
    {
        return ALIAS;
    }

    public void close()
    {
        CloseHelper.quietClose(selector);
    }

    /**
     * @return true if a watched socket is ready or {@link #wake()} was called, within {@code times} polls.
     */
    private boolean poll(final int times, final boolean yield)
    {
        try
        {
            for (int i = 0; i < times; i++)
            {
                if (woken)
                {
                    woken = false;
                    return true;
                }
                spinPolls++;
                if (selector.selectNow(ignoreKey) > 0)
                {
                    return true;
                }
                if (yield)
                {
                    Thread.yield();
                }
                else
                {
                    Thread.onSpinWait();
                }
            }
            return false;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("idle poll failed", ex);
        }
    }

    private void block()
    {
        blocks++;
        if (woken)
        {
            // a poll's selectNow may have taken the wakeup that came with this
            woken = false;
            return;
        }
        try
        {
            selector.select(ignoreKey, maxBlockMs);
            woken = false;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("idle select failed", ex);
        }
    }
}
