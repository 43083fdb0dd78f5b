package io.tandem.interconnect.path;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;

/**
 * The paths over Aeron: one exclusive publication and one subscription per path. On the primary the publications
 * carry records and the subscriptions acks; on the secondary the other way round (channels in
 * {@link PathChannels}). Frames larger than the MTU are fragmented by Aeron and reassembled here.
 * <p>
 * Not thread-safe: the owning duty cycle calls it.
 */
public final class AeronPathTransport implements PathTransport, AutoCloseable
{
    private final ExclusivePublication[] publications;
    private final Subscription[] subscriptions;
    private final PathFragments[] fragments;
    private final FragmentAssembler[] assemblers;

    private AeronPathTransport(final ExclusivePublication[] publications, final Subscription[] subscriptions)
    {
        this.publications = publications;
        this.subscriptions = subscriptions;
        this.fragments = new PathFragments[publications.length];
        this.assemblers = new FragmentAssembler[publications.length];
        for (int path = 0; path < publications.length; path++)
        {
            fragments[path] = new PathFragments(path);
            assemblers[path] = new FragmentAssembler(fragments[path]);
        }
    }

    /**
     * The primary's side: publishes records, subscribes to acks.
     *
     * @param addresses the loopback address of each path.
     */
    public static AeronPathTransport forSender(
        final Aeron aeron,
        final String[] addresses,
        final int dataPortBase,
        final int ackPortBase,
        final int mtuLength,
        final int termLength)
    {
        final int pathCount = addresses.length;
        final ExclusivePublication[] publications = new ExclusivePublication[pathCount];
        final Subscription[] subscriptions = new Subscription[pathCount];
        for (int path = 0; path < pathCount; path++)
        {
            publications[path] = aeron.addExclusivePublication(PathChannels.dataPublication(
                path, addresses[path], dataPortBase + path, mtuLength, termLength), PathChannels.DATA_STREAM_ID);
            subscriptions[path] = aeron.addSubscription(
                PathChannels.ackSubscription(path, addresses[path], ackPortBase + path), PathChannels.ACK_STREAM_ID);
        }
        return new AeronPathTransport(publications, subscriptions);
    }

    /**
     * The secondary's side: subscribes to records, publishes acks.
     */
    public static AeronPathTransport forReceiver(
        final Aeron aeron,
        final String[] addresses,
        final int dataPortBase,
        final int ackPortBase)
    {
        final int pathCount = addresses.length;
        final ExclusivePublication[] publications = new ExclusivePublication[pathCount];
        final Subscription[] subscriptions = new Subscription[pathCount];
        for (int path = 0; path < pathCount; path++)
        {
            subscriptions[path] = aeron.addSubscription(
                PathChannels.dataSubscription(path, addresses[path], dataPortBase + path),
                PathChannels.DATA_STREAM_ID);
            publications[path] = aeron.addExclusivePublication(
                PathChannels.ackPublication(path, addresses[path], ackPortBase + path), PathChannels.ACK_STREAM_ID);
        }
        return new AeronPathTransport(publications, subscriptions);
    }

    public int pathCount()
    {
        return publications.length;
    }

    public long offer(final int path, final DirectBuffer buffer, final int offset, final int length)
    {
        return publications[path].offer(buffer, offset, length);
    }

    public boolean isConnected(final int path)
    {
        return publications[path].isConnected();
    }

    public int poll(final int path, final FrameHandler handler, final int fragmentLimit)
    {
        fragments[path].handler = handler;
        return subscriptions[path].poll(assemblers[path], fragmentLimit);
    }

    public void close()
    {
        CloseHelper.closeAll(publications);
        CloseHelper.closeAll(subscriptions);
    }

    /** Adapts Aeron's fragment callback to a path's frame callback without allocating per poll. */
    private static final class PathFragments implements FragmentHandler
    {
        private final int path;
        private FrameHandler handler;

        PathFragments(final int path)
        {
            this.path = path;
        }

        public void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
        {
            handler.onFrame(path, buffer, offset, length);
        }
    }
}
