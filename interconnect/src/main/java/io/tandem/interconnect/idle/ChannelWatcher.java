package io.tandem.interconnect.idle;

import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;

/**
 * Told of every socket whose readiness means work for an agent, so that the agent can sleep until one is ready
 * ({@link SelectorIdleStrategy}), and of work handed to the agent by other threads.
 */
public interface ChannelWatcher
{
    /**
     * @param channel     a non-blocking channel.
     * @param interestOps the {@link SelectionKey} operations that mean work.
     * @return the key to keep the interest in step with the owner's, or null if the channel is already closed.
     */
    SelectionKey watch(SelectableChannel channel, int interestOps);

    /**
     * Work reached the agent other than on a socket: end its sleep now. From any thread.
     */
    void wake();

    /**
     * Lets go of the watched channels closed since the agent last slept. Java keeps a closed channel's descriptor,
     * and so its port, until every selector it is registered with has selected again; the owner of a socket that
     * will be bound again at once (an endpoint closed and relaunched on the same ports) calls this after closing it.
     */
    void releaseClosed();
}
