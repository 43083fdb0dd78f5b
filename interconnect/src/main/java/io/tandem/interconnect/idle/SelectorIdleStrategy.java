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
 * without blocking each duty cycle. When a duty cycle did no work this strategy spins {@code maxSpins} times,
 * yields {@code maxYields} times, then blocks in one {@code epoll_wait} over every watched socket for at most
 * {@code maxBlockMs}: a request or frame wakes the agent at once, and a quiet agent costs nothing. Work that does not
 * arrive on a socket (a flush completed on another thread, a command) calls {@link #wake()}; timers are served
 * within {@code maxBlockMs}.
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
    public static final int MAX_YIELDS_DEFAULT = 2;
    public static final long MAX_BLOCK_MS_DEFAULT = 1;

    private static final int NOT_IDLE = 0;
    private static final int SPINNING = 1;
    private static final int YIELDING = 2;
    private static final int BLOCKING = 3;

    private final Selector selector;
    private final Consumer<SelectionKey> ignoreKey = key -> {};
    private final int maxSpins;
    private final int maxYields;
    private final long maxBlockMs;
    private int state = NOT_IDLE;
    private int spins;
    private int yields;
    private long blocks;

    public SelectorIdleStrategy()
    {
        this(MAX_SPINS_DEFAULT, MAX_YIELDS_DEFAULT, MAX_BLOCK_MS_DEFAULT);
    }

    /**
     * @param maxSpins   idle duty cycles that only spin before yielding.
     * @param maxYields  idle duty cycles that yield before blocking.
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
        switch (state)
        {
            case NOT_IDLE:
                state = SPINNING;
                spins++;
                break;

            case SPINNING:
                Thread.onSpinWait();
                if (++spins > maxSpins)
                {
                    state = YIELDING;
                    yields = 0;
                }
                break;

            case YIELDING:
                if (++yields > maxYields)
                {
                    state = BLOCKING;
                }
                else
                {
                    Thread.yield();
                }
                break;

            default:
                block();
                break;
        }
    }

    public void reset()
    {
        spins = 0;
        yields = 0;
        state = NOT_IDLE;
    }

    /**
     * @return how many times the agent blocked in the kernel.
     */
    public long blocks()
    {
        return blocks;
    }

    public String alias()
    {
        return ALIAS;
    }

    public void close()
    {
        CloseHelper.quietClose(selector);
    }

    private void block()
    {
        blocks++;
        try
        {
            selector.select(ignoreKey, maxBlockMs);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("idle select failed", ex);
        }
    }
}
