package io.tandem.controller;

import io.tandem.interconnect.idle.ChannelWatcher;
import io.tandem.interconnect.idle.SelectorIdleStrategy;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

/**
 * How one controller's agent waits for work, as {@link ControllerContext#agentIdle()} says: the idle strategy its
 * runner uses, the watcher its sockets are registered with (none when it backs off), and the wake-up other
 * threads call when they hand it work. Made by {@link ControllerContext#newAgentIdling()}; the controller closes it.
 * <p>
 * Thread-safe: {@link #wake()} from any thread; the rest on the controller's launching and agent threads.
 */
public final class AgentIdling implements AutoCloseable
{
    private final IdleStrategy strategy;
    private final SelectorIdleStrategy selector;

    AgentIdling(final ControllerContext.AgentIdle mode, final int spins, final int yields)
    {
        selector = ControllerContext.AgentIdle.SELECT == mode ?
            new SelectorIdleStrategy(spins, yields, SelectorIdleStrategy.MAX_BLOCK_MS_DEFAULT) : null;
        strategy = null != selector ? selector : new BackoffIdleStrategy(100, 10, 1_000, 100_000);
    }

    /**
     * @return the strategy the agent's runner idles with.
     */
    public IdleStrategy strategy()
    {
        return strategy;
    }

    /**
     * @return what the agent's sockets are registered with, or null when it does not sleep on them.
     */
    public ChannelWatcher watcher()
    {
        return selector;
    }

    /**
     * Ends the agent's idle wait early: for work handed over by another thread (a flush completed, a command).
     */
    public void wake()
    {
        if (null != selector)
        {
            selector.wake();
        }
    }

    public void close()
    {
        if (null != selector)
        {
            selector.close();
        }
    }
}
