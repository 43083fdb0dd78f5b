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
 * The secondary adds a path's ack publication only once the primary's records reach its subscription on that
 * path (an image appears), asynchronously, from the duty cycle. Added at once, as a new secondary starts while
 * its partner is still starting as primary (a giveback), its first setup frame met a port nothing listened on yet,
 * and Aeron sends the next one 100 ms later: the new primary's paths, and the writes it holds until the partner
 * holds its generation, waited for it. The primary's records arrive only once its endpoint, ack subscriptions
 * included, is up.
 * <p>
 * Not thread-safe: the owning duty cycle calls it.
 */
public final class AeronPathTransport implements PathTransport, AutoCloseable
{
    private static final long NO_REGISTRATION = -1;

    private final ExclusivePublication[] publications;
    private final Subscription[] subscriptions;
    private final PathFragments[] fragments;
    private final FragmentAssembler[] assemblers;
    /** The secondary's: adds the ack publications later; null on the primary. */
    private final Aeron aeron;
    private final String[] lazyChannels;
    private final long[] registrations;

    private AeronPathTransport(
        final ExclusivePublication[] publications,
        final Subscription[] subscriptions,
        final Aeron aeron,
        final String[] lazyChannels)
    {
        this.publications = publications;
        this.subscriptions = subscriptions;
        this.aeron = aeron;
        this.lazyChannels = lazyChannels;
        this.registrations = new long[publications.length];
        java.util.Arrays.fill(registrations, NO_REGISTRATION);
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
        return new AeronPathTransport(publications, subscriptions, null, null);
    }

    /**
     * The secondary's side: subscribes to records, publishes acks (each path's once the primary's records reach
     * it).
     *
     * @param receiverWindow the bytes each path may have in flight ({@link PathChannels#dataSubscription}).
     */
    public static AeronPathTransport forReceiver(
        final Aeron aeron,
        final String[] addresses,
        final int dataPortBase,
        final int ackPortBase,
        final int receiverWindow)
    {
        final int pathCount = addresses.length;
        final Subscription[] subscriptions = new Subscription[pathCount];
        final String[] ackChannels = new String[pathCount];
        for (int path = 0; path < pathCount; path++)
        {
            subscriptions[path] = aeron.addSubscription(
                PathChannels.dataSubscription(path, addresses[path], dataPortBase + path, receiverWindow),
                PathChannels.DATA_STREAM_ID);
            ackChannels[path] = PathChannels.ackPublication(path, addresses[path], ackPortBase + path);
        }
        return new AeronPathTransport(new ExclusivePublication[pathCount], subscriptions, aeron, ackChannels);
    }

    public int pathCount()
    {
        return publications.length;
    }

    public long offer(final int path, final DirectBuffer buffer, final int offset, final int length)
    {
        final ExclusivePublication publication = publications[path];
        return null == publication ? NOT_SENT : publication.offer(buffer, offset, length);
    }

    public long offer(
        final int path,
        final DirectBuffer headBuffer,
        final int headOffset,
        final int headLength,
        final DirectBuffer bodyBuffer,
        final int bodyOffset,
        final int bodyLength)
    {
        final ExclusivePublication publication = publications[path];
        // Aeron gathers both parts into the term: one copy of the body, from where it lies
        return null == publication ? NOT_SENT :
            publication.offer(headBuffer, headOffset, headLength, bodyBuffer, bodyOffset, bodyLength);
    }

    public boolean isConnected(final int path)
    {
        final ExclusivePublication publication = publications[path];
        return null != publication && publication.isConnected();
    }

    public int poll(final int path, final FrameHandler handler, final int fragmentLimit)
    {
        int work = null == publications[path] && null != aeron ? addLater(path) : 0;
        fragments[path].handler = handler;
        work += subscriptions[path].poll(assemblers[path], fragmentLimit);
        return work;
    }

    /**
     * The secondary's ack publication on {@code path}: asked for once the primary's records reach the path, taken
     * once the driver has added it. Never blocks.
     */
    private int addLater(final int path)
    {
        if (NO_REGISTRATION == registrations[path])
        {
            if (0 == subscriptions[path].imageCount())
            {
                return 0;
            }
            registrations[path] = aeron.asyncAddExclusivePublication(lazyChannels[path], PathChannels.ACK_STREAM_ID);
            return 1;
        }
        final ExclusivePublication added;
        try
        {
            added = aeron.getExclusivePublication(registrations[path]);
        }
        catch (final RuntimeException ex)
        {
            registrations[path] = NO_REGISTRATION; // the driver refused it: asked again at the next poll
            throw ex;
        }
        if (null == added)
        {
            return 0;
        }
        publications[path] = added;
        return 1;
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
