package io.tandem.controller.nbd;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

import static io.tandem.controller.nbd.NbdProtocol.BYTE_ORDER;
import static io.tandem.controller.nbd.NbdProtocol.CMD_DISC;
import static io.tandem.controller.nbd.NbdProtocol.CMD_WRITE;

/**
 * One client connection: its state machine (client flags, option haggling, transmission), its receive buffer, and
 * its write queue of replies in completion order.
 * <p>
 * Input is read into a receive buffer and parsed in place with flyweights; a WRITE payload is copied into the
 * request's pooled buffer as far as it arrived with its header. Once the receive buffer is empty, the rest of the
 * payload is read straight into the request's buffer, and in the same call the receive buffer takes what follows:
 * after a large payload ({@link #LARGE_PAYLOAD}) only the next request's header, so that its payload too is read
 * where it belongs rather than copied (a stream of 64 KiB writes costs one read call a request and no copy); after
 * a small one as much as it holds, so that one call still brings in many small requests. Replies are queued in
 * completion order on the connection's {@link NbdReplyWriter}.
 * <p>
 * Back pressure: with {@link NbdServerContext#maxRequestsPerConnection()} requests in flight, or no free slot, or
 * no room for the next request's buffer in {@link NbdServerContext#maxBufferBytes()}, the connection stops reading
 * (OP_READ off) and the request stays in the socket until replies free slots and bytes; TCP then holds the client
 * back.
 * When the socket will not take more, OP_WRITE is set until it does.
 * <p>
 * Closing: a protocol violation closes at once. NBD_CMD_DISC and NBD_OPT_ABORT stop input and close once every
 * request in flight has been answered. The agent closes a connection whose client leaves it unused (see
 * {@link #isIdleSince(long)}). Requests still with the volume when the connection closes keep their slot until the
 * volume completes them.
 * <p>
 * Not thread-safe: the server's agent thread only.
 */
final class NbdConnection
{
    static final int CLOSED = 0;
    static final int AWAITING_CLIENT_FLAGS = 1;
    static final int OPTIONS = 2;
    static final int TRANSMISSION = 3;

    private static final int REQUEST_LENGTH = NbdRequestDecoder.HEADER_LENGTH;
    /**
     * A payload at least this long still to come is read with only the next request's header after it: a copy of
     * this many bytes costs about what a read call does here.
     */
    static final int LARGE_PAYLOAD = 32 << 10;

    private final int index;
    private final NbdServerAgent server;
    private final RequestSlots slots;
    private final NbdCommandDispatcher dispatcher;
    private final NbdOptionHandler options;
    private final NbdCounters counters;
    private final int maxPayload;
    private final int maxRequests;

    private final ByteBuffer recv;
    private final UnsafeBuffer recvBuffer;
    private final ByteBuffer[] payloadThenHeader = new ByteBuffer[2];
    private int readPosition;
    private final NbdReplyWriter replies;

    private final NbdRequestDecoder request = new NbdRequestDecoder();
    private final NbdOptionDecoder option = new NbdOptionDecoder();
    private final NbdSession session = new NbdSession();
    private final int[] lengthOut = new int[1];

    private SocketChannel channel;
    private SelectionKey key;
    private SelectionKey watchKey;
    private int interestOps;
    private boolean intakeHeld;
    private int generation;
    private int state = CLOSED;
    private boolean noZeroes;
    private boolean inputDone;
    private boolean closeWhenDrained;
    private boolean throttled;
    private boolean dirty;
    private boolean viaService;
    private boolean parked;
    private int parkedSlot = -1;
    private int inFlight;
    private int atVolume;
    private long lastActivityNs;
    private int payloadSlot = -1;
    private long openedNs;

    NbdConnection(
        final int index,
        final NbdServerAgent server,
        final NbdServerContext ctx,
        final RequestSlots slots,
        final NbdCommandDispatcher dispatcher,
        final NbdOptionHandler options,
        final NbdCounters counters)
    {
        this.index = index;
        this.server = server;
        this.slots = slots;
        this.dispatcher = dispatcher;
        this.options = options;
        this.counters = counters;
        this.maxPayload = ctx.maxPayload();
        this.maxRequests = ctx.maxRequestsPerConnection();
        this.recv = ByteBuffer.allocateDirect(ctx.socketBufferLength());
        this.recvBuffer = new UnsafeBuffer(recv);
        this.replies = new NbdReplyWriter(ctx.socketBufferLength(), maxRequests, slots, dispatcher);
    }

    int index()
    {
        return index;
    }

    int generation()
    {
        return generation;
    }

    /**
     * @return true if the client came in through the volume's service address, not the controller's own port.
     */
    boolean viaService()
    {
        return viaService;
    }

    boolean isClosed()
    {
        return CLOSED == state;
    }

    boolean isThrottled()
    {
        return throttled;
    }

    /**
     * @return true once, when the connection is to be flushed by the agent; cleared by {@link #flush()}.
     */
    boolean markDirty()
    {
        if (dirty)
        {
            return false;
        }
        dirty = true;
        return true;
    }

    /**
     * @return true while the client has connected but not yet entered transmission.
     */
    boolean isHandshaking()
    {
        return AWAITING_CLIENT_FLAGS == state || OPTIONS == state;
    }

    long openedNs()
    {
        return openedNs;
    }

    /**
     * @return true if the client has left the connection unused since {@code sinceNs}: in transmission, with no
     * request at the volume, nothing read or written since, and not held back by the server for want of slots or
     * buffer bytes (unless replies are waiting for the client to read them).
     */
    boolean isIdleSince(final long sinceNs)
    {
        return TRANSMISSION == state && 0 == atVolume && !parked && lastActivityNs - sinceNs < 0 &&
            (!throttled || replies.hasPending());
    }

    /**
     * Starts serving an accepted socket: sends the greeting.
     *
     * @param watchKey   the socket's key with the agent's idle strategy, kept at the same interest as {@code key};
     *                   or null.
     * @param viaService the client came in through the volume's service address.
     */
    void open(
        final SocketChannel channel,
        final SelectionKey key,
        final SelectionKey watchKey,
        final long nowNs,
        final boolean viaService)
    {
        this.openedNs = nowNs;
        this.viaService = viaService;
        this.parked = false;
        this.parkedSlot = -1;
        this.channel = channel;
        this.key = key;
        this.watchKey = watchKey;
        this.interestOps = SelectionKey.OP_READ;
        this.intakeHeld = false;
        this.state = AWAITING_CLIENT_FLAGS;
        this.noZeroes = false;
        this.session.reset();
        this.inputDone = false;
        this.closeWhenDrained = false;
        this.throttled = false;
        this.inFlight = 0;
        this.atVolume = 0;
        this.lastActivityNs = nowNs;
        this.payloadSlot = -1;
        recv.clear();
        readPosition = 0;
        replies.reset();
        replies.structured(false);
        replies.commit(NbdHandshakeEncoder.greeting(
            replies.claim(NbdHandshakeEncoder.GREETING_LENGTH), replies.claimOffset(),
            NbdProtocol.FLAG_FIXED_NEWSTYLE | NbdProtocol.FLAG_NO_ZEROES));
        flush();
    }

    void onReadable()
    {
        if (CLOSED == state)
        {
            return;
        }
        try
        {
            if (payloadSlot >= 0 && readPosition == recv.position())
            {
                final long read = readPayloadThenMore(slots.buffer(payloadSlot));
                if (read < 0)
                {
                    onEndOfStream();
                    return;
                }
                onActivity(read);
            }
            else
            {
                compactReceiveBuffer();
                final int read = channel.read(recv);
                if (read < 0)
                {
                    onEndOfStream();
                    return;
                }
                onActivity(read);
            }
        }
        catch (final IOException ex)
        {
            close();
            return;
        }
        process();
    }

    /**
     * Reads the rest of a WRITE payload into its request's buffer and, in the same call, what follows into the
     * empty receive buffer: the next header alone after a large payload, as much as fits after a small one.
     */
    private long readPayloadThenMore(final ByteBuffer payload) throws IOException
    {
        compactReceiveBuffer();
        if (payload.remaining() >= LARGE_PAYLOAD)
        {
            recv.limit(recv.position() + REQUEST_LENGTH);
        }
        payloadThenHeader[0] = payload;
        payloadThenHeader[1] = recv;
        try
        {
            return channel.read(payloadThenHeader);
        }
        finally
        {
            payloadThenHeader[0] = null;
            recv.limit(recv.capacity());
        }
    }

    void onWritable()
    {
        flush();
        if (OPTIONS == state && recv.position() > readPosition)
        {
            process();
        }
    }

    /**
     * A request this connection submitted has completed.
     */
    void onCompletion(final int slot, final int error)
    {
        atVolume--;
        if (NbdProtocol.OK != error)
        {
            slots.reason(slot, NbdRequestError.VOLUME);
        }
        queueReply(slot, NbdProtocol.CMD_BLOCK_STATUS == slots.type(slot) ? dispatcher.blockStatusDone(slot, error) :
            error);
    }

    /**
     * Starts reading again after back pressure, if it was on.
     */
    void resume()
    {
        if (throttled && CLOSED != state)
        {
            throttled = false;
            server.onResumed();
            lastActivityNs = server.nowNs(); // the wait was the server's, not the client's
            interest(interestOps | SelectionKey.OP_READ);
            process();
        }
    }

    /**
     * Parses and acts on everything in the receive buffer that can be acted on now.
     */
    void process()
    {
        boolean progress = true;
        while (progress && CLOSED != state)
        {
            if (inputDone)
            {
                readPosition = recv.position();
                break;
            }
            switch (state)
            {
                case TRANSMISSION:
                    progress = nextRequest();
                    break;
                case OPTIONS:
                    progress = nextOption();
                    break;
                default:
                    progress = clientFlags();
                    break;
            }
        }
        if (CLOSED != state)
        {
            if (readPosition == recv.position())
            {
                recv.clear();
                readPosition = 0;
            }
            server.markDirty(this);
        }
    }

    /**
     * Writes queued replies as far as the socket takes them; closes when a drain was asked for and is done.
     */
    void flush()
    {
        dirty = false;
        if (CLOSED == state)
        {
            return;
        }
        try
        {
            final long writtenBefore = replies.bytesWritten();
            final int released = replies.writeTo(channel);
            onActivity(replies.bytesWritten() - writtenBefore);
            if (released > 0)
            {
                inFlight -= released;
                server.onSlotFreed();
            }
        }
        catch (final IOException ex)
        {
            close();
            return;
        }

        final boolean pendingOutput = replies.hasPending();
        interest(pendingOutput ? interestOps | SelectionKey.OP_WRITE : interestOps & ~SelectionKey.OP_WRITE);
        if (closeWhenDrained && !pendingOutput && 0 == inFlight)
        {
            close();
        }
    }

    /**
     * Closes the socket and gives back the slots not with the volume; the volume's ones are given back as they
     * complete.
     */
    void close()
    {
        if (CLOSED == state)
        {
            return;
        }
        state = CLOSED;
        generation++;
        key.cancel();
        try
        {
            channel.close();
        }
        catch (final IOException ignore)
        {
            // the socket is gone either way
        }
        if (payloadSlot >= 0)
        {
            slots.free(payloadSlot);
            payloadSlot = -1;
        }
        if (parkedSlot >= 0)
        {
            slots.free(parkedSlot); // never answered: the client sends it again once it has reconnected
            parkedSlot = -1;
        }
        if (parked)
        {
            parked = false;
            server.onUnparked();
        }
        replies.discard();
        inFlight = 0;
        atVolume = 0;
        if (throttled)
        {
            throttled = false;
            server.onResumed();
        }
        channel = null;
        key = null;
        watchKey = null;
        server.onClosed(this);
    }

    /**
     * The client shut its side. After NBD_CMD_DISC (or NBD_OPT_ABORT) that is expected: the replies still owed are
     * sent and the connection closes when they are; otherwise the client is gone and so is the connection.
     */
    private void onEndOfStream()
    {
        if (inputDone)
        {
            interest(interestOps & ~SelectionKey.OP_READ);
            flush();
        }
        else
        {
            close();
        }
    }

    private void protocolViolation()
    {
        counters.increment(NbdCounters.PROTOCOL_VIOLATIONS_OFFSET);
        close();
    }

    private boolean clientFlags()
    {
        if (recv.position() - readPosition < NbdHandshakeEncoder.CLIENT_FLAGS_LENGTH)
        {
            return false;
        }
        final int flags = recvBuffer.getInt(readPosition, BYTE_ORDER);
        readPosition += NbdHandshakeEncoder.CLIENT_FLAGS_LENGTH;
        if (0 != (flags & ~NbdProtocol.KNOWN_CLIENT_FLAGS))
        {
            protocolViolation();
            return false;
        }
        noZeroes = 0 != (flags & NbdProtocol.FLAG_C_NO_ZEROES);
        state = OPTIONS;
        return true;
    }

    private boolean nextOption()
    {
        final int available = recv.position() - readPosition;
        if (available < NbdOptionDecoder.HEADER_LENGTH)
        {
            return false;
        }
        option.wrap(recvBuffer, readPosition);
        if (NbdProtocol.IHAVEOPT != option.magic())
        {
            protocolViolation();
            return false;
        }
        final long dataLength = option.length();
        if (dataLength > NbdServerContext.MAX_OPTION_LENGTH)
        {
            protocolViolation();
            return false;
        }
        if (available < NbdOptionDecoder.HEADER_LENGTH + dataLength)
        {
            return false;
        }
        final MutableDirectBuffer out = replies.claim(NbdOptionHandler.MAX_REPLIES_LENGTH);
        if (null == out)
        {
            return false; // the client is not reading its replies; resumed by onWritable
        }

        final int next = options.onOption(
            option.option(), recvBuffer, option.dataOffset(), (int)dataLength, noZeroes, session, server.refuseIo(),
            out, replies.claimOffset(), lengthOut);
        replies.commit(lengthOut[0]);
        readPosition += NbdOptionDecoder.HEADER_LENGTH + (int)dataLength;
        switch (next)
        {
            case NbdOptionHandler.ENTER_TRANSMISSION:
                state = TRANSMISSION;
                replies.structured(session.structuredReplies());
                counters.increment(NbdCounters.HANDSHAKES_COMPLETED_OFFSET);
                return true;
            case NbdOptionHandler.CLOSE_AFTER_REPLY:
                inputDone = true;
                closeWhenDrained = true;
                return false;
            case NbdOptionHandler.CLOSE_NOW:
                close();
                return false;
            default:
                return true;
        }
    }

    private boolean nextRequest()
    {
        if (parked || viaService && server.refuseIo() && park())
        {
            return false;
        }
        final int available = recv.position() - readPosition;
        if (payloadSlot >= 0)
        {
            final ByteBuffer payload = slots.buffer(payloadSlot);
            final int length = Math.min(available, payload.remaining());
            if (length > 0)
            {
                recvBuffer.getBytes(readPosition, payload, payload.position(), length);
                payload.position(payload.position() + length);
                readPosition += length;
            }
            if (payload.hasRemaining())
            {
                return false;
            }
            final int slot = payloadSlot;
            payloadSlot = -1;
            submit(slot);
            return true;
        }

        if (available < REQUEST_LENGTH)
        {
            return false;
        }
        request.wrap(recvBuffer, readPosition);
        if (NbdProtocol.REQUEST_MAGIC != request.magic())
        {
            protocolViolation();
            return false;
        }
        final int type = request.type();
        final long length = request.length();
        if (CMD_DISC == type)
        {
            readPosition += REQUEST_LENGTH;
            inputDone = true;
            closeWhenDrained = true;
            return false;
        }
        if (CMD_WRITE == type && length > maxPayload)
        {
            protocolViolation();
            return false;
        }
        if (inFlight >= maxRequests)
        {
            throttle();
            return false;
        }
        final int bufferLength = NbdCommandDispatcher.bufferLength(type, request.flags(), length, maxPayload);
        final int slot = slots.take(
            index, generation, request.handle(), type, request.flags(), request.offset(), length, bufferLength);
        if (RequestSlots.NO_BUFFER == slot)
        {
            if (0 == slots.inUse())
            {
                // the JVM refused the memory and nothing in flight will give any back: waiting would be for ever
                close();
                return false;
            }
            counters.increment(NbdCounters.BUFFER_WAITS_OFFSET);
            throttle();
            return false;
        }
        if (slot < 0)
        {
            throttle();
            return false;
        }
        inFlight++;
        readPosition += REQUEST_LENGTH;
        if (CMD_WRITE == type)
        {
            payloadSlot = slot;
            return true;
        }
        submit(slot);
        return true;
    }

    private void submit(final int slot)
    {
        if (viaService && server.refuseIo())
        {
            parkedSlot = slot;
            park();
            return;
        }
        final int result = dispatcher.dispatch(slot, server.refuseIo(), session);
        if (NbdCommandDispatcher.SUBMITTED == result)
        {
            atVolume++;
        }
        else
        {
            queueReply(slot, result);
        }
    }

    private void queueReply(final int slot, final int error)
    {
        slots.error(slot, error);
        slots.state(slot, RequestSlots.QUEUED);
        replies.queue(slot);
        server.markDirty(this);
    }

    private void onActivity(final long bytes)
    {
        if (bytes > 0)
        {
            lastActivityNs = server.nowNs();
        }
    }

    private void throttle()
    {
        if (!throttled)
        {
            throttled = true;
            server.onThrottled();
            interest(interestOps & ~SelectionKey.OP_READ);
        }
    }

    /**
     * A client of the service address while the server refuses I/O (a giveback quiescing): its requests are
     * neither served nor refused (an unmodified client such as qemu takes an error reply as final) but left
     * unread, until the server serves again ({@link #unpark()}) or lets the service address go and closes the
     * connection; the client then sends them again to whoever owns the volume.
     *
     * @return true: parked.
     */
    private boolean park()
    {
        if (!parked)
        {
            parked = true;
            server.onParked(this);
            interest(interestOps & ~SelectionKey.OP_READ);
        }
        return true;
    }

    /**
     * The server serves again: the parked request goes to the volume, and reading resumes.
     */
    void unpark()
    {
        if (!parked || CLOSED == state)
        {
            return;
        }
        parked = false;
        server.onUnparked();
        lastActivityNs = server.nowNs(); // the wait was the server's, not the client's
        if (parkedSlot >= 0)
        {
            final int slot = parkedSlot;
            parkedSlot = -1;
            submit(slot);
        }
        if (!throttled)
        {
            interest(interestOps | SelectionKey.OP_READ);
        }
        process();
    }

    /**
     * While the server coalesces, the agent's watcher is not to wake it for this socket's input.
     */
    void holdIntake(final boolean held)
    {
        intakeHeld = held;
        watchInterest();
    }

    private void interest(final int ops)
    {
        if (ops != interestOps && null != key && key.isValid())
        {
            key.interestOps(ops);
            interestOps = ops;
            watchInterest();
        }
    }

    private void watchInterest()
    {
        if (null != watchKey && watchKey.isValid())
        {
            watchKey.interestOps(intakeHeld ? interestOps & ~SelectionKey.OP_READ : interestOps);
        }
    }

    private void compactReceiveBuffer()
    {
        if (readPosition > 0)
        {
            final int remaining = recv.position() - readPosition;
            if (remaining > 0)
            {
                recvBuffer.putBytes(0, recvBuffer, readPosition, remaining);
            }
            recv.limit(recv.capacity()).position(remaining);
            readPosition = 0;
        }
    }
}
