package io.tandem.simulator;

import io.tandem.interconnect.InterconnectContext;
import io.tandem.interconnect.MirrorLink;
import io.tandem.interconnect.MirrorReceiver;
import io.tandem.interconnect.MirrorSender;
import io.tandem.interconnect.path.PathTransport;
import io.tandem.interconnect.status.InterconnectCounters;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;

/**
 * One end of a mirror session over the simulated network: the product's own {@link MirrorSender} or
 * {@link MirrorReceiver}, on a {@link PathTransport} that puts frames on {@link SimNetwork}. Pulling a path here
 * loses its frames at this end, both ways, as a pulled cable does.
 * <p>
 * Not thread-safe: the simulation has one thread.
 */
final class SimLink implements MirrorLink, PathTransport
{
    private static final int MAX_COUNTERS = 512;

    private final SimNetwork network;
    private final SimProcess process;
    private final boolean isSender;
    private final boolean[] pulled;
    private final MirrorSender sender;
    private final MirrorReceiver receiver;
    private final AgentInvoker invoker;
    private boolean closed;
    private long framesIn;
    private long framesOut;

    SimLink(final SimNetwork network, final SimProcess process, final InterconnectContext ctx, final boolean isSender)
    {
        ctx.conclude();
        this.network = network;
        this.process = process;
        this.isSender = isSender;
        this.pulled = new boolean[network.pathCount()];
        final InterconnectCounters counters = InterconnectCounters.inManager(
            new CountersManager(
                new UnsafeBuffer(BufferUtil.allocateDirectAligned(CountersManager.METADATA_LENGTH * MAX_COUNTERS, 64)),
                new UnsafeBuffer(BufferUtil.allocateDirectAligned(CountersManager.COUNTER_LENGTH * MAX_COUNTERS, 64))),
            isSender ? InterconnectCounters.ROLE_SENDER : InterconnectCounters.ROLE_RECEIVER,
            ctx.endpointName(), ctx.pathCount(), ctx.streamCount());
        this.sender = isSender ? new MirrorSender(ctx, this, counters) : null;
        this.receiver = isSender ? null : new MirrorReceiver(ctx, this, counters);
        this.invoker = new AgentInvoker(process::onAgentError, null, isSender ? sender : receiver);
        invoker.start();
        network.attach(this);
    }

    boolean isSender()
    {
        return isSender;
    }

    SimProcess process()
    {
        return process;
    }

    String describe()
    {
        return "pid " + process.identity().pid() + (process.isAlive() ? "" : " (dead)") + (closed ? " closed" : "") +
            " pulled " + java.util.Arrays.toString(pulled) + " in " + framesIn + " out " + framesOut +
            (isSender ? " live " + sender.liveMask() : " live " + receiver.liveMask());
    }

    public MirrorSender sender()
    {
        return sender;
    }

    public MirrorReceiver receiver()
    {
        return receiver;
    }

    public AgentInvoker invoker()
    {
        return invoker;
    }

    public void pull(final int path)
    {
        pulled[path] = true;
    }

    public void restore(final int path)
    {
        pulled[path] = false;
    }

    public boolean isPulled(final int path)
    {
        return pulled[path];
    }

    public void close()
    {
        if (!closed)
        {
            closed = true;
            invoker.close();
            network.detach(this);
        }
    }

    public int pathCount()
    {
        return pulled.length;
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
        if (closed)
        {
            return NOT_SENT;
        }
        if (!pulled[path])
        {
            framesOut++;
            network.send(this, path, headBuffer, headOffset, headLength, bodyBuffer, bodyOffset, bodyLength);
        }
        return headLength + bodyLength;
    }

    public boolean isConnected(final int path)
    {
        return !closed && network.peerConnected(this);
    }

    public int poll(final int path, final FrameHandler handler, final int fragmentLimit)
    {
        int read = 0;
        SimNetwork.Frame frame;
        while (read < fragmentLimit && !closed && null != (frame = network.arrived(this, path)))
        {
            read++;
            if (!pulled[path])
            {
                framesIn++;
                handler.onFrame(path, frame.bytes, 0, frame.bytes.capacity());
            }
        }
        return read;
    }
}
