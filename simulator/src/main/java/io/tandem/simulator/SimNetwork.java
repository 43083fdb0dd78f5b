package io.tandem.simulator;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayDeque;

/**
 * The interconnect between the two controllers, simulated: each path carries data frames from whichever end
 * sends (the primary's) to whichever end receives (the secondary's), and acknowledgements back, each direction in
 * order, each frame after a latency drawn from the seed. Faults: a path lost in the network (every frame of it
 * dropped, both ways), frames dropped at a rate, frames delayed. A frame reaches the end of its role that is
 * there when it arrives, or nobody: frames of an old session are still in flight after a restart, as on a real
 * wire.
 * <p>
 * Not thread-safe: the simulation has one thread.
 */
final class SimNetwork
{
    private final Simulation simulation;
    private final int pathCount;
    private final ArrayDeque<Frame>[] toReceiver;
    private final ArrayDeque<Frame>[] toSender;
    private final boolean[] lost;
    private final long[] extraDelayNs;
    private final int[] dropPercent;
    private SimLink sender;
    private SimLink receiver;
    private long framesSent;
    private long framesDropped;
    private long framesDelivered;

    /**
     * One frame on the wire.
     */
    static final class Frame
    {
        final long arrivesNs;
        final UnsafeBuffer bytes;

        Frame(final long arrivesNs, final UnsafeBuffer bytes)
        {
            this.arrivesNs = arrivesNs;
            this.bytes = bytes;
        }
    }

    @SuppressWarnings("unchecked")
    SimNetwork(final Simulation simulation, final int pathCount)
    {
        this.simulation = simulation;
        this.pathCount = pathCount;
        this.toReceiver = new ArrayDeque[pathCount];
        this.toSender = new ArrayDeque[pathCount];
        for (int path = 0; path < pathCount; path++)
        {
            toReceiver[path] = new ArrayDeque<>();
            toSender[path] = new ArrayDeque<>();
        }
        this.lost = new boolean[pathCount];
        this.extraDelayNs = new long[pathCount];
        this.dropPercent = new int[pathCount];
    }

    int pathCount()
    {
        return pathCount;
    }

    void attach(final SimLink link)
    {
        if (link.isSender())
        {
            sender = link;
        }
        else
        {
            receiver = link;
        }
    }

    void detach(final SimLink link)
    {
        if (sender == link)
        {
            sender = null;
        }
        if (receiver == link)
        {
            receiver = null;
        }
    }

    /**
     * @return true if the other end of {@code link}'s session is there and its process lives.
     */
    boolean peerConnected(final SimLink link)
    {
        final SimLink peer = link.isSender() ? receiver : sender;
        return null != peer && peer.process().isAlive();
    }

    /**
     * Puts a frame of two parts on the wire, unless the path is lost or the frame is dropped; the parts are joined
     * in the copy that travels: the frame holds what they held when it was sent, as in a real term.
     */
    void send(
        final SimLink from,
        final int path,
        final DirectBuffer headBuffer,
        final int headOffset,
        final int headLength,
        final DirectBuffer bodyBuffer,
        final int bodyOffset,
        final int bodyLength)
    {
        framesSent++;
        if (lost[path] || simulation.random().nextInt(100) < dropPercent[path])
        {
            framesDropped++;
            return;
        }
        final ArrayDeque<Frame> queue = from.isSender() ? toReceiver[path] : toSender[path];
        final long latencyNs = 20_000 + simulation.random().nextInt(200_000) + extraDelayNs[path];
        final Frame last = queue.peekLast();
        final long arrivesNs = Math.max(null == last ? 0 : last.arrivesNs, simulation.clock().nanoTime() + latencyNs);
        final UnsafeBuffer copy = new UnsafeBuffer(new byte[headLength + bodyLength]);
        copy.putBytes(0, headBuffer, headOffset, headLength);
        copy.putBytes(headLength, bodyBuffer, bodyOffset, bodyLength);
        queue.addLast(new Frame(arrivesNs, copy));
    }

    /**
     * @return the next frame that has arrived on {@code path} for {@code to}'s role, or null; frames that arrive
     * while no end of that role is there are lost.
     */
    Frame arrived(final SimLink to, final int path)
    {
        final ArrayDeque<Frame> queue = to.isSender() ? toSender[path] : toReceiver[path];
        final Frame head = queue.peekFirst();
        if (null == head || head.arrivesNs > simulation.clock().nanoTime())
        {
            return null;
        }
        framesDelivered++;
        return queue.pollFirst();
    }

    /**
     * @return the network's state, for a violation's report.
     */
    String describe()
    {
        final StringBuilder out = new StringBuilder("--- network: sent " + framesSent + ", dropped " + framesDropped +
            ", delivered " + framesDelivered + "; sender " + (null == sender ? "none" : sender.describe()) +
            ", receiver " + (null == receiver ? "none" : receiver.describe()));
        for (int path = 0; path < pathCount; path++)
        {
            out.append("\n  path ").append(path).append(lost[path] ? " lost" : "").append(": ")
                .append(toReceiver[path].size()).append(" frames to the receiver, ").append(toSender[path].size())
                .append(" to the sender in flight");
        }
        return out.toString();
    }

    /**
     * Drops what has arrived for a role that has no end there (its process died or has not started yet).
     */
    void dropUnclaimed()
    {
        final long nowNs = simulation.clock().nanoTime();
        for (int path = 0; path < pathCount; path++)
        {
            if (null == receiver || !receiver.process().isAlive())
            {
                framesDropped += dropArrived(toReceiver[path], nowNs);
            }
            if (null == sender || !sender.process().isAlive())
            {
                framesDropped += dropArrived(toSender[path], nowNs);
            }
        }
    }

    private static int dropArrived(final ArrayDeque<Frame> queue, final long nowNs)
    {
        int dropped = 0;
        while (!queue.isEmpty() && queue.peekFirst().arrivesNs <= nowNs)
        {
            queue.pollFirst();
            dropped++;
        }
        return dropped;
    }

    void lose(final int path, final boolean isLost)
    {
        lost[path] = isLost;
    }

    boolean isLost(final int path)
    {
        return lost[path];
    }

    void delay(final int path, final long delayNs)
    {
        extraDelayNs[path] = delayNs;
    }

    void dropRate(final int path, final int percent)
    {
        dropPercent[path] = percent;
    }

    long framesSent()
    {
        return framesSent;
    }

    long framesDropped()
    {
        return framesDropped;
    }
}
