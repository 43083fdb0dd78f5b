package io.tandem.simulator;

import io.tandem.controller.nbd.IoCompletion;
import io.tandem.controller.nbd.NbdProtocol;

import java.nio.ByteBuffer;

/**
 * A verifying client, as {@code tandem workload} is one: it writes, overwrites, reads and flushes its own blocks
 * at a queue depth drawn from the seed, on the controller it believes serves; when that one refuses, drops the
 * connection or stops answering, it fails over to the other. Every read is checked against the
 * {@link VolumeModel}; every acknowledgement against who owns the pool. A block has at most one request in
 * flight at a time, so its order is the order the client chose.
 * <p>
 * Not thread-safe: the simulation has one thread.
 */
final class SimClient implements IoCompletion
{
    private static final long RETRY_NS = 100_000_000L;
    private static final long TIMEOUT_NS = 8_000_000_000L;

    private final Simulation simulation;
    private final VolumeModel model;
    private final int id;
    private final int clients;
    private final Request[] slots;
    private final boolean[] busy;
    private int queueDepth;
    private int target;
    private long retryAtNs;
    private long writesAcked;
    private long readsChecked;
    private long failovers;
    private int sweepNext = -1;

    private enum Kind
    {
        WRITE, READ, FLUSH
    }

    /**
     * A request slot: its buffer is the client's until the request completes.
     */
    private static final class Request
    {
        ByteBuffer buffer = ByteBuffer.allocateDirect(VolumeModel.BLOCK);
        long serial;
        Kind kind;
        int block;
        long version;
        long submittedNs;
        SimFrontEnd frontEnd;
        boolean inFlight;
    }

    SimClient(final Simulation simulation, final VolumeModel model, final int id, final int clients)
    {
        this.simulation = simulation;
        this.model = model;
        this.id = id;
        this.clients = clients;
        this.slots = new Request[4];
        for (int i = 0; i < slots.length; i++)
        {
            slots[i] = new Request();
        }
        this.busy = new boolean[model.blocks()];
        this.queueDepth = 1 + simulation.random().nextInt(slots.length);
        this.target = simulation.random().nextInt(2);
    }

    /**
     * Fails what its connection lost, then submits new requests up to its queue depth.
     */
    void step()
    {
        final long nowNs = simulation.clock().nanoTime();
        for (final Request request : slots)
        {
            if (request.inFlight && (!request.frontEnd.process().isAlive() || request.frontEnd.isClosed() &&
                !request.frontEnd.process().isPaused() || nowNs - request.submittedNs > TIMEOUT_NS))
            {
                fail(request); // the connection dropped, or the controller stopped answering
            }
        }
        if (nowNs < retryAtNs)
        {
            return;
        }
        final SimFrontEnd frontEnd = simulation.frontEnd(target);
        if (null == frontEnd || frontEnd.isClosed() || !frontEnd.process().isAlive())
        {
            failOver(nowNs); // connection refused
            return;
        }
        if (frontEnd.process().isPaused())
        {
            return; // the connection hangs: requests wait until the timeout
        }
        for (int i = 0; i < queueDepth; i++)
        {
            final Request request = slots[i];
            if (!request.inFlight && !submit(request, frontEnd, nowNs))
            {
                return;
            }
        }
    }

    /**
     * Starts a read of every block this client owns, one after another, instead of new writes: the final check.
     */
    void sweep()
    {
        sweepNext = id;
    }

    boolean sweepDone()
    {
        return sweepNext >= model.blocks() && idle();
    }

    boolean idle()
    {
        for (final Request request : slots)
        {
            if (request.inFlight)
            {
                return false;
            }
        }
        return true;
    }

    private boolean submit(final Request request, final SimFrontEnd frontEnd, final long nowNs)
    {
        final int block;
        final Kind kind;
        if (sweepNext >= 0)
        {
            if (sweepNext >= model.blocks() || busy[sweepNext])
            {
                return false;
            }
            block = sweepNext;
            sweepNext += clients;
            kind = Kind.READ;
        }
        else
        {
            final int roll = simulation.random().nextInt(100);
            kind = roll < 60 ? Kind.WRITE : roll < 95 ? Kind.READ : Kind.FLUSH;
            final int owned = (model.blocks() - id + clients - 1) / clients;
            final int candidate = id + clients * simulation.random().nextInt(owned);
            if (busy[candidate])
            {
                return true;
            }
            block = candidate;
        }
        request.kind = kind;
        request.block = block;
        request.submittedNs = nowNs;
        request.frontEnd = frontEnd;
        request.inFlight = true;
        request.serial++;
        final long token = tokenOf(request);
        if (Kind.FLUSH == kind)
        {
            frontEnd.volume().submitFlush(token, this);
            return true;
        }
        busy[block] = true;
        request.buffer.clear();
        if (Kind.WRITE == kind)
        {
            request.version = model.newVersion(block);
            model.fill(block, request.version, request.buffer);
            request.buffer.clear();
            if (!frontEnd.servesIo())
            {
                onComplete(token, NbdProtocol.ESHUTDOWN);
                return false;
            }
            frontEnd.volume().submitWrite(token, (long)block * VolumeModel.BLOCK, request.buffer,
                simulation.random().nextInt(8) == 0, this);
        }
        else
        {
            if (!frontEnd.servesIo())
            {
                onComplete(token, NbdProtocol.ESHUTDOWN);
                return false;
            }
            frontEnd.volume().submitRead(token, (long)block * VolumeModel.BLOCK, request.buffer, this);
        }
        return true;
    }

    private long tokenOf(final Request request)
    {
        for (int i = 0; i < slots.length; i++)
        {
            if (slots[i] == request)
            {
                return (request.serial << 8) | i;
            }
        }
        throw new IllegalStateException();
    }

    public void onComplete(final long token, final int error)
    {
        final Request request = slots[(int)(token & 0xFF)];
        if (!request.inFlight || request.serial != token >>> 8)
        {
            return; // answered after the client gave up on it
        }
        if (NbdProtocol.OK != error)
        {
            fail(request);
            return;
        }
        request.inFlight = false;
        switch (request.kind)
        {
            case WRITE:
                busy[request.block] = false;
                simulation.checkAcknowledger(request.frontEnd.process(), "write of block " + request.block);
                model.acked(request.block, request.version);
                writesAcked++;
                break;
            case READ:
                busy[request.block] = false;
                readsChecked++;
                request.buffer.clear();
                final String wrong = model.check(request.block, request.buffer);
                if (null != wrong)
                {
                    simulation.violation("client " + id + " read from controller " +
                        request.frontEnd.process().controllerId() + ": " + wrong);
                }
                break;
            default:
                break;
        }
    }

    private void fail(final Request request)
    {
        request.inFlight = false;
        request.buffer = ByteBuffer.allocateDirect(VolumeModel.BLOCK); // the old one may still be the volume's
        if (Kind.FLUSH != request.kind)
        {
            busy[request.block] = false;
        }
        if (Kind.WRITE == request.kind)
        {
            model.uncertain(request.block, request.version);
        }
        if (Kind.READ == request.kind && sweepNext >= 0)
        {
            sweepNext = Math.min(sweepNext, request.block); // read it again
        }
        failOver(simulation.clock().nanoTime());
    }

    private void failOver(final long nowNs)
    {
        if (retryAtNs <= nowNs)
        {
            target = 1 - target;
            failovers++;
            retryAtNs = nowNs + RETRY_NS;
        }
    }

    long writesAcked()
    {
        return writesAcked;
    }

    long readsChecked()
    {
        return readsChecked;
    }

    long failovers()
    {
        return failovers;
    }
}
