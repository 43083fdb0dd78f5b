package io.tandem.simulator;

import io.tandem.controller.nbd.IoCompletion;
import io.tandem.controller.nbd.NbdExtents;
import io.tandem.controller.nbd.NbdProtocol;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A verifying client, as {@code tandem workload} is one: it writes, overwrites, reads, trims, writes zeroes and
 * flushes ranges of one to four blocks of its own half of the volume, at a queue depth drawn from the seed.
 * The first client connects to the volume's service address, as an unmodified client (qemu with
 * {@code reconnect-delay}) would: when it is refused or its connection drops, it connects to the same address
 * again. The others connect to the controller they believe serves, on its own port; when that one refuses, drops
 * the connection or stops answering, they fail over to the other. Every read is checked against the
 * {@link VolumeModel}; every acknowledgement against who owns the pool. A block has at most one request in flight
 * at a time, so its order is the order the client chose. Right after a read, with nothing in between, the client
 * asks the same controller for the range's {@code base:allocation} block status, as {@code qemu-img} and
 * {@code nbdcopy} do before they skip what it calls zero: every extent reported to read as zeroes must have read as
 * zeroes. With the model's check of the read, an extent reported zero over an acknowledged write is caught, on the
 * controller that took over or was given the volume back too.
 * <p>
 * Not thread-safe: the simulation has one thread.
 */
final class SimClient implements IoCompletion
{
    private static final long RETRY_NS = 100_000_000L;
    private static final long TIMEOUT_NS = 8_000_000_000L;
    private static final int MAX_BLOCKS = 4;

    private final Simulation simulation;
    private final VolumeModel model;
    private final int id;
    private final int clients;
    private final Request[] slots;
    private final boolean viaService;
    private final boolean[] busy;
    private int queueDepth;
    private int target;
    private long retryAtNs;
    private long writesAcked;
    private long readsChecked;
    private long failovers;
    private long zeroExtentsChecked;
    private int sweepNext = -1;
    private final ByteBuffer extents =
        ByteBuffer.allocateDirect(MAX_BLOCKS * NbdExtents.DESCRIPTOR_LENGTH).order(ByteOrder.BIG_ENDIAN);
    private int statusError;
    private final IoCompletion statusCompletion = (token, error) -> statusError = error;

    private enum Kind
    {
        WRITE, READ, FLUSH, TRIM, WRITE_ZEROES
    }

    /**
     * A request slot: its buffer is the client's until the request completes.
     */
    private static final class Request
    {
        ByteBuffer buffer = ByteBuffer.allocateDirect(MAX_BLOCKS * VolumeModel.BLOCK);
        long serial;
        Kind kind;
        int block;
        int blocks;
        final long[] versions = new long[MAX_BLOCKS];
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
        this.viaService = 0 == id;
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
                !request.frontEnd.process().isPaused() || nowNs - request.submittedNs > TIMEOUT_NS ||
                viaService && !request.frontEnd.holdsService() && !request.frontEnd.process().isPaused()))
            {
                fail(request); // the connection dropped, or the controller stopped answering
            }
        }
        if (nowNs < retryAtNs)
        {
            return;
        }
        final SimFrontEnd frontEnd = viaService ? simulation.serviceFrontEnd() : simulation.frontEnd(target);
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
        sweepNext = id * (model.blocks() / clients);
    }

    boolean sweepDone()
    {
        return sweepNext >= (id + 1) * (model.blocks() / clients) && idle();
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
        final int half = model.blocks() / clients;
        final int firstOwned = id * half;
        final int block;
        final int blocks;
        final Kind kind;
        if (sweepNext >= 0)
        {
            if (sweepNext >= firstOwned + half || busy[sweepNext])
            {
                return false;
            }
            block = sweepNext;
            blocks = 1;
            sweepNext++;
            kind = Kind.READ;
        }
        else
        {
            final int roll = simulation.random().nextInt(100);
            kind = roll < 55 ? Kind.WRITE : roll < 85 ? Kind.READ : roll < 90 ? Kind.FLUSH : roll < 95 ? Kind.TRIM :
                Kind.WRITE_ZEROES;
            final int length = 1 + simulation.random().nextInt(MAX_BLOCKS);
            final int start = firstOwned + simulation.random().nextInt(half - length + 1);
            for (int b = start; b < start + length; b++)
            {
                if (busy[b])
                {
                    return true;
                }
            }
            block = start;
            blocks = Kind.FLUSH == kind ? 0 : length;
        }
        request.kind = kind;
        request.block = block;
        request.blocks = blocks;
        request.submittedNs = nowNs;
        request.frontEnd = frontEnd;
        request.inFlight = true;
        request.serial++;
        final long token = tokenOf(request);
        if (!frontEnd.servesIo())
        {
            request.inFlight = false; // refused (ESHUTDOWN) before it reached the volume
            failOver(nowNs);
            return false;
        }
        for (int i = 0; i < blocks; i++)
        {
            busy[block + i] = true;
        }
        final long offset = (long)block * VolumeModel.BLOCK;
        final int length = blocks * VolumeModel.BLOCK;
        switch (kind)
        {
            case WRITE:
                request.buffer.clear();
                for (int i = 0; i < blocks; i++)
                {
                    request.versions[i] = model.newVersion(block + i);
                    model.fill(block + i, request.versions[i], request.buffer.slice(i * VolumeModel.BLOCK,
                        VolumeModel.BLOCK));
                }
                request.buffer.clear().limit(length);
                frontEnd.volume().submitWrite(token, offset, request.buffer, simulation.random().nextInt(8) == 0,
                    this);
                break;
            case WRITE_ZEROES:
                for (int i = 0; i < blocks; i++)
                {
                    request.versions[i] = model.newVersion(block + i);
                }
                frontEnd.volume().submitWriteZeroes(token, offset, length, false, false, this);
                break;
            case TRIM:
                frontEnd.volume().submitTrim(token, offset, length, false, this);
                break;
            case READ:
                request.buffer.clear().limit(length);
                frontEnd.volume().submitRead(token, offset, request.buffer, this);
                break;
            default:
                frontEnd.volume().submitFlush(token, this);
                break;
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
        for (int i = 0; i < request.blocks; i++)
        {
            busy[request.block + i] = false;
        }
        switch (request.kind)
        {
            case WRITE:
            case WRITE_ZEROES:
                simulation.checkAcknowledger(request.frontEnd.process(), request.kind + " of blocks " +
                    request.block + ".." + (request.block + request.blocks - 1));
                for (int i = 0; i < request.blocks; i++)
                {
                    model.acked(request.block + i, request.versions[i], Kind.WRITE_ZEROES == request.kind);
                }
                writesAcked++;
                break;
            case TRIM:
                for (int i = 0; i < request.blocks; i++)
                {
                    model.trimmed(request.block + i);
                }
                break;
            case READ:
                readsChecked++;
                request.buffer.clear(); // the volume may have moved its position and limit
                for (int i = 0; i < request.blocks; i++)
                {
                    final String wrong = model.check(request.block + i,
                        request.buffer.slice(i * VolumeModel.BLOCK, VolumeModel.BLOCK));
                    if (null != wrong)
                    {
                        simulation.violation("client " + id + " read from controller " +
                            request.frontEnd.process().controllerId() + ": " + wrong);
                    }
                }
                checkBlockStatus(request);
                break;
            default:
                break;
        }
    }

    /**
     * Asks the controller that served a read for the block status of its range at once, and checks that every
     * extent said to read as zeroes did read as zeroes.
     */
    private void checkBlockStatus(final Request request)
    {
        final SimFrontEnd frontEnd = request.frontEnd;
        if (!frontEnd.servesIo())
        {
            return;
        }
        final long offset = (long)request.block * VolumeModel.BLOCK;
        final int length = request.blocks * VolumeModel.BLOCK;
        extents.clear().limit(request.blocks * NbdExtents.DESCRIPTOR_LENGTH);
        statusError = -1;
        frontEnd.volume().submitBlockStatus(0, offset, length, extents, statusCompletion);
        if (NbdProtocol.OK != statusError)
        {
            return; // refused, or not answered at once: nothing said to check
        }
        int at = 0;
        for (int descriptor = 0; descriptor < extents.position(); descriptor += NbdExtents.DESCRIPTOR_LENGTH)
        {
            final int extent = (int)Math.min(length - at, extents.getInt(descriptor) & 0xFFFF_FFFFL);
            if (0 != (extents.getInt(descriptor + 4) & NbdProtocol.STATE_ZERO))
            {
                zeroExtentsChecked++;
                for (int i = at; i < at + extent; i++)
                {
                    if (0 != request.buffer.get(i))
                    {
                        simulation.violation("client " + id + ": controller " + frontEnd.process().controllerId() +
                            " reports bytes " + (offset + at) + " to " + (offset + at + extent) + " as reading " +
                            "zeroes (flags " + extents.getInt(descriptor + 4) + "), but byte " + (offset + i) +
                            " read " + request.buffer.get(i) + " just before");
                        return;
                    }
                }
            }
            at += extent;
        }
    }

    private void fail(final Request request)
    {
        request.inFlight = false;
        request.buffer = ByteBuffer.allocateDirect(MAX_BLOCKS * VolumeModel.BLOCK); // the old one may be the volume's
        for (int i = 0; i < request.blocks; i++)
        {
            busy[request.block + i] = false;
            if (Kind.WRITE == request.kind || Kind.WRITE_ZEROES == request.kind)
            {
                model.uncertain(request.block + i, request.versions[i], Kind.WRITE_ZEROES == request.kind);
            }
            else if (Kind.TRIM == request.kind)
            {
                model.trimmed(request.block + i); // it may have reached the volume
            }
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

    long zeroExtentsChecked()
    {
        return zeroExtentsChecked;
    }
}
