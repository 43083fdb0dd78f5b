package io.tandem.cli.nbd;

import io.tandem.controller.nbd.NbdProtocol;

import org.agrona.BufferUtil;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

/**
 * One NBD connection in transmission, pipelined: up to {@link #slots()} requests in flight, each in a slot with its
 * own data buffer, replies matched by handle and delivered in the order the server sends them.
 * <pre>{@code
 * NbdClientConnection c = NbdClientConnection.connect(address, 16, 4096, deadlineNs);
 * int slot = c.acquireSlot();                   // -1 when all are in flight
 * c.slotData(slot).putLong(0, 42);              // the payload
 * c.write(slot, offset, 4096);                  // queued
 * c.send();                                     // as much as the socket takes
 * c.receive(handler);                           // replies that have arrived
 * }</pre>
 * Non-blocking after {@link #connect}: {@link #send()} and {@link #receive} never wait, and neither allocates.
 * Register {@link #channel()} with a selector to wait for either. Requests go out in submission order; a request's
 * payload is copied into the send buffer as the socket drains, so a slot's data may be written as soon as the slot
 * is acquired and must not change until its reply.
 * <p>
 * A reply handle is (submission number &lt;&lt; 32 | slot); a reply with an unknown handle, a bad magic or a
 * structured reply (never negotiated) is a protocol violation: {@link #receive} throws and the connection is done.
 * <p>
 * Not thread-safe: one thread drives a connection.
 */
public final class NbdClientConnection implements AutoCloseable
{
    private static final int SEND_BUFFER_LENGTH = 1 << 20;
    private static final int RECEIVE_BUFFER_LENGTH = 256 << 10;

    private final InetSocketAddress address;
    private final SocketChannel channel;
    private final NbdExport export;
    private final int slots;
    private final int maxRequestLength;

    private final ByteBuffer dataMemory;
    private final UnsafeBuffer[] slotData;
    private final long[] handles;
    private final int[] commands;
    private final long[] offsets;
    private final int[] lengths;
    private final int[] freeSlots;
    private int freeCount;
    private long submissions;

    private final int[] sendQueue;
    private int sendHead;
    private int sendTail;
    private int sendingPayloadSlot = -1;
    private int sendingPayloadOffset;
    private final ByteBuffer sendBuffer;

    private final ByteBuffer receiveBuffer;
    private int receivingSlot = -1;
    private int receivingOffset;

    private boolean closed;

    private NbdClientConnection(
        final InetSocketAddress address,
        final SocketChannel channel,
        final NbdExport export,
        final int slots,
        final int maxRequestLength)
    {
        this.address = address;
        this.channel = channel;
        this.export = export;
        this.slots = slots;
        this.maxRequestLength = maxRequestLength;
        dataMemory = ByteBuffer.allocateDirect(slots * maxRequestLength);
        slotData = new UnsafeBuffer[slots];
        handles = new long[slots];
        commands = new int[slots];
        offsets = new long[slots];
        lengths = new int[slots];
        freeSlots = new int[slots];
        sendQueue = new int[slots + 1];
        for (int i = 0; i < slots; i++)
        {
            slotData[i] = new UnsafeBuffer(dataMemory, i * maxRequestLength, maxRequestLength);
            freeSlots[i] = slots - 1 - i;
        }
        freeCount = slots;
        sendBuffer = ByteBuffer.allocateDirect(SEND_BUFFER_LENGTH).order(ByteOrder.BIG_ENDIAN);
        receiveBuffer = ByteBuffer.allocateDirect(RECEIVE_BUFFER_LENGTH).order(ByteOrder.BIG_ENDIAN);
    }

    /**
     * Connects, runs the handshake for the default export and leaves the channel non-blocking.
     *
     * @param slots            requests in flight at most.
     * @param maxRequestLength the largest READ or WRITE length, the size of each slot's buffer.
     * @param deadlineNs       {@link System#nanoTime()} by which the handshake must be done.
     * @throws IOException the server cannot be reached, is not an NBD server or refused the export.
     */
    public static NbdClientConnection connect(
        final InetSocketAddress address, final int slots, final int maxRequestLength, final long deadlineNs)
        throws IOException
    {
        if (slots < 1 || maxRequestLength < 1 || (long)slots * maxRequestLength > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException("slots and maxRequestLength must be positive, their product < 2 GiB");
        }
        final SocketChannel channel = SocketChannel.open();
        try (Selector selector = Selector.open())
        {
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            final NbdHandshake handshake = new NbdHandshake(channel, selector, deadlineNs);
            if (!channel.connect(address))
            {
                handshake.finishConnect();
            }
            final NbdExport export = handshake.run();
            final SelectionKey key = channel.keyFor(selector);
            if (null != key)
            {
                key.cancel();
            }
            selector.selectNow();
            return new NbdClientConnection(address, channel, export, slots, maxRequestLength);
        }
        catch (final IOException | RuntimeException ex)
        {
            CloseHelper.quietClose(channel);
            throw ex;
        }
    }

    public InetSocketAddress address()
    {
        return address;
    }

    public SocketChannel channel()
    {
        return channel;
    }

    public NbdExport export()
    {
        return export;
    }

    public int slots()
    {
        return slots;
    }

    public int maxRequestLength()
    {
        return maxRequestLength;
    }

    /**
     * @return requests submitted and not yet answered.
     */
    public int inFlight()
    {
        return slots - freeCount;
    }

    /**
     * @return a free slot, or -1 when {@link #slots()} requests are in flight.
     */
    public int acquireSlot()
    {
        return freeCount > 0 ? freeSlots[--freeCount] : -1;
    }

    /**
     * @return the slot's data buffer: a WRITE's payload, a READ's result.
     */
    public UnsafeBuffer slotData(final int slot)
    {
        return slotData[slot];
    }

    /**
     * @return the command in flight in {@code slot}.
     */
    public int command(final int slot)
    {
        return commands[slot];
    }

    public long offset(final int slot)
    {
        return offsets[slot];
    }

    public int length(final int slot)
    {
        return lengths[slot];
    }

    /**
     * Queues a READ of {@code length} bytes at {@code offset} in an acquired slot.
     */
    public void read(final int slot, final long offset, final int length)
    {
        submit(slot, NbdProtocol.CMD_READ, offset, length);
    }

    /**
     * Queues a WRITE of the slot's data from 0 to {@code length} at {@code offset}.
     */
    public void write(final int slot, final long offset, final int length)
    {
        submit(slot, NbdProtocol.CMD_WRITE, offset, length);
    }

    /**
     * Queues a FLUSH.
     */
    public void flush(final int slot)
    {
        submit(slot, NbdProtocol.CMD_FLUSH, 0, 0);
    }

    /**
     * @return true when queued requests have not all been handed to the socket.
     */
    public boolean hasPendingSend()
    {
        return sendHead != sendTail || sendingPayloadSlot >= 0 || sendBuffer.position() > 0;
    }

    /**
     * Hands queued requests to the socket, as much as it takes without waiting.
     *
     * @return bytes written.
     */
    public int send() throws IOException
    {
        int written = 0;
        while (true)
        {
            fillSendBuffer();
            if (sendBuffer.position() == 0)
            {
                return written;
            }
            sendBuffer.flip();
            final int bytes = channel.write(sendBuffer);
            sendBuffer.compact();
            written += bytes;
            if (bytes == 0)
            {
                return written;
            }
        }
    }

    /**
     * Reads what has arrived and delivers every complete reply to {@code handler}.
     *
     * @return replies delivered.
     * @throws EOFException          the server closed the connection.
     * @throws NbdProtocolException  the server broke the protocol.
     */
    public int receive(final NbdReplyHandler handler) throws IOException
    {
        final int bytes = channel.read(receiveBuffer);
        if (bytes < 0)
        {
            throw new EOFException("the server closed the connection");
        }
        receiveBuffer.flip();
        int replies = 0;
        try
        {
            while (true)
            {
                if (receivingSlot >= 0)
                {
                    final int slot = receivingSlot;
                    final int chunk = Math.min(receiveBuffer.remaining(), lengths[slot] - receivingOffset);
                    slotData[slot].putBytes(receivingOffset, receiveBuffer, receiveBuffer.position(), chunk);
                    receiveBuffer.position(receiveBuffer.position() + chunk);
                    receivingOffset += chunk;
                    if (receivingOffset < lengths[slot])
                    {
                        break;
                    }
                    receivingSlot = -1;
                    deliver(handler, slot, NbdProtocol.OK);
                    replies++;
                }
                else
                {
                    if (receiveBuffer.remaining() < NbdProtocol.SIMPLE_REPLY_LENGTH)
                    {
                        break;
                    }
                    final int magic = receiveBuffer.getInt();
                    final int error = receiveBuffer.getInt();
                    final long handle = receiveBuffer.getLong();
                    if (NbdProtocol.SIMPLE_REPLY_MAGIC != magic)
                    {
                        throw new NbdProtocolException("bad reply magic 0x" + Integer.toHexString(magic));
                    }
                    final int slot = (int)handle;
                    if (slot < 0 || slot >= slots || handles[slot] != handle)
                    {
                        throw new NbdProtocolException("reply with unknown handle 0x" + Long.toHexString(handle));
                    }
                    if (NbdProtocol.CMD_READ == commands[slot] && NbdProtocol.OK == error)
                    {
                        receivingSlot = slot;
                        receivingOffset = 0;
                    }
                    else
                    {
                        deliver(handler, slot, error);
                        replies++;
                    }
                }
            }
        }
        finally
        {
            receiveBuffer.compact();
        }
        return replies;
    }

    /**
     * Queues NBD_CMD_DISC (no reply) and hands what it can to the socket; the server answers what is in flight and
     * closes. Best effort.
     */
    public void disconnect()
    {
        if (!closed && sendBuffer.remaining() >= NbdProtocol.REQUEST_HEADER_LENGTH && !hasPendingSend())
        {
            putHeader(NbdProtocol.CMD_DISC, 0, 0, 0);
            try
            {
                send();
            }
            catch (final IOException ignore)
            {
                // the connection is going away either way
            }
        }
    }

    /**
     * Closes the socket; requests in flight are lost. Idempotent.
     */
    public void close()
    {
        if (!closed)
        {
            closed = true;
            CloseHelper.quietClose(channel);
            BufferUtil.free(dataMemory);
            BufferUtil.free(sendBuffer);
            BufferUtil.free(receiveBuffer);
        }
    }

    public String toString()
    {
        return "nbd://" + address.getHostString() + ":" + address.getPort();
    }

    private void submit(final int slot, final int command, final long offset, final int length)
    {
        if (length < 0 || length > maxRequestLength)
        {
            throw new IllegalArgumentException("length " + length + " outside 0.." + maxRequestLength);
        }
        handles[slot] = (++submissions << 32) | slot;
        commands[slot] = command;
        offsets[slot] = offset;
        lengths[slot] = length;
        sendQueue[sendTail] = slot;
        sendTail = (sendTail + 1) % sendQueue.length;
    }

    private void deliver(final NbdReplyHandler handler, final int slot, final int error)
    {
        try
        {
            handler.onReply(slot, commands[slot], error);
        }
        finally
        {
            handles[slot] = 0;
            freeSlots[freeCount++] = slot;
        }
    }

    private void fillSendBuffer()
    {
        while (true)
        {
            if (sendingPayloadSlot >= 0)
            {
                final int slot = sendingPayloadSlot;
                final int chunk = Math.min(sendBuffer.remaining(), lengths[slot] - sendingPayloadOffset);
                slotData[slot].getBytes(sendingPayloadOffset, sendBuffer, sendBuffer.position(), chunk);
                sendBuffer.position(sendBuffer.position() + chunk);
                sendingPayloadOffset += chunk;
                if (sendingPayloadOffset < lengths[slot])
                {
                    return;
                }
                sendingPayloadSlot = -1;
            }
            if (sendHead == sendTail || sendBuffer.remaining() < NbdProtocol.REQUEST_HEADER_LENGTH)
            {
                return;
            }
            final int slot = sendQueue[sendHead];
            sendHead = (sendHead + 1) % sendQueue.length;
            final int command = commands[slot];
            putHeader(command, handles[slot], offsets[slot], lengths[slot]);
            if (NbdProtocol.CMD_WRITE == command)
            {
                sendingPayloadSlot = slot;
                sendingPayloadOffset = 0;
            }
        }
    }

    private void putHeader(final int command, final long handle, final long offset, final int length)
    {
        sendBuffer
            .putInt(NbdProtocol.REQUEST_MAGIC)
            .putShort((short)0)
            .putShort((short)command)
            .putLong(handle)
            .putLong(offset)
            .putInt(length);
    }
}
