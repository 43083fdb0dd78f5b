package io.tandem.interconnect;

import org.agrona.concurrent.AgentInvoker;

/**
 * One end of a mirror session as a controller uses it: the protocol agent of its side, the invoker that steps
 * it, and the switches that pull and restore a path. {@link InterconnectEndpoint} is the real one, over Aeron;
 * the deterministic simulator plugs in one over simulated paths, so the controllers run unchanged on either.
 * <p>
 * Thread-safety as {@link InterconnectEndpoint}: pull, restore and isPulled from any thread, the rest from the
 * thread that steps the invoker.
 */
public interface MirrorLink extends AutoCloseable
{
    /**
     * @return the primary's protocol agent; null on a receiver.
     */
    MirrorSender sender();

    /**
     * @return the secondary's protocol agent; null on a sender.
     */
    MirrorReceiver receiver();

    /**
     * @return the invoker to step this end with.
     */
    AgentInvoker invoker();

    /**
     * Pulls a path: every frame of it, both ways, is lost at this end until {@link #restore(int)}.
     */
    void pull(int path);

    void restore(int path);

    boolean isPulled(int path);

    /**
     * Stops stepping this end: nothing more is delivered or sent. What {@link #close()} does first; a caller that
     * must only know that the end is quiet stops it and may close it later, on another thread.
     */
    default void stop()
    {
    }

    @Override
    void close();
}
