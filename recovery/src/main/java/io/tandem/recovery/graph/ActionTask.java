package io.tandem.recovery.graph;

import java.util.Queue;

/**
 * One DO or UNDO of one node, run on the executor. It knows the thread running it, so the driving thread can
 * interrupt exactly that run on a timeout and never a pool thread that has moved on to other work; it clears
 * the interrupt before giving the thread back. When it ends it puts itself on the run's completion queue.
 * <p>
 * Thread-safe: run by one executor thread, interrupted and read by the driving thread.
 */
final class ActionTask<S> implements Runnable
{
    final int attempt;
    final int node;
    final boolean undo;
    private final Action<S> action;
    private final S state;
    private final Queue<ActionTask<S>> completions;
    private Thread thread;
    private boolean interrupted;
    private volatile Throwable cause;

    ActionTask(
        final int attempt, final int node, final boolean undo, final Action<S> action, final S state,
        final Queue<ActionTask<S>> completions)
    {
        this.attempt = attempt;
        this.node = node;
        this.undo = undo;
        this.action = action;
        this.state = state;
        this.completions = completions;
    }

    public void run()
    {
        Throwable failure = null;
        try
        {
            synchronized (this)
            {
                if (interrupted)
                {
                    throw new ActionTimeoutException("timed out before it started");
                }
                thread = Thread.currentThread();
            }
            if (undo)
            {
                action.undoAction(state);
            }
            else
            {
                action.doAction(state);
            }
        }
        catch (final Throwable t)
        {
            failure = t;
        }
        finally
        {
            synchronized (this)
            {
                thread = null;
                Thread.interrupted();
            }
            cause = failure;
            completions.offer(this);
        }
    }

    /**
     * Interrupts the run if it is on a thread; if it has not started, it will not.
     */
    synchronized void interrupt()
    {
        interrupted = true;
        if (null != thread)
        {
            thread.interrupt();
        }
    }

    /**
     * @return what the DO or UNDO threw, or null; valid once the task came off the completion queue.
     */
    Throwable cause()
    {
        return cause;
    }
}
