package io.tandem.controller.nbd;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

import static io.tandem.controller.nbd.NbdProtocol.CMD_BLOCK_STATUS;
import static io.tandem.controller.nbd.NbdProtocol.CMD_READ;

/**
 * The write side of one connection: a queue of replies in completion order and the send buffer they are copied
 * into, header then READ data, to be written with as few system calls as the socket allows. Handshake messages are
 * written straight into the send buffer ({@link #claim(int)}, {@link #commit(int)}).
 * <p>
 * A reply is a prefix encoded in place by a flyweight, then the bytes of the request's buffer if it carries any.
 * Simple replies (the default): the 16-byte header, then a successful READ's data. Structured replies, once the
 * client negotiated them ({@link #structured(boolean)}): a successful READ is one OFFSET_DATA chunk (header and
 * offset, then the data), a successful BLOCK_STATUS one BLOCK_STATUS chunk (header and context id, then the
 * extents), an error one ERROR chunk with its message, and any other success the simple reply the protocol allows.
 * Either way the data is copied once, from the request's buffer into the send buffer, as before.
 * <p>
 * A reply's slot is given back as soon as the reply has been copied whole into the send buffer; a READ longer than
 * the send buffer is copied in pieces as the socket drains.
 * <pre>
 *  send buffer: | written | pending, [position, limit) | free |
 * </pre>
 * Not thread-safe: the server's agent thread only.
 */
final class NbdReplyWriter
{
    private static final int SIMPLE_LENGTH = NbdSimpleReplyEncoder.HEADER_LENGTH;

    private final RequestSlots slots;
    private final NbdCommandDispatcher dispatcher;
    private final NbdSimpleReplyEncoder reply = new NbdSimpleReplyEncoder();
    private final NbdStructuredReplyEncoder chunk = new NbdStructuredReplyEncoder();
    private boolean structured;
    /** The length of the prefix of the reply being copied out. */
    private int prefix;
    private final ByteBuffer send;
    private final UnsafeBuffer sendBuffer;
    private int position;
    private int limit;

    private final int[] queue;
    private final int mask;
    private int head;
    private int tail;
    private int progress;
    private long bytesWritten;

    /**
     * @param maxReplies the most replies ever queued at once: the connection's requests in flight.
     */
    NbdReplyWriter(
        final int bufferLength, final int maxReplies, final RequestSlots slots, final NbdCommandDispatcher dispatcher)
    {
        this.slots = slots;
        this.dispatcher = dispatcher;
        this.send = ByteBuffer.allocateDirect(bufferLength);
        this.sendBuffer = new UnsafeBuffer(send);
        final int queueLength = Integer.highestOneBit(Math.max(2, maxReplies) - 1) << 1;
        this.queue = new int[queueLength];
        this.mask = queueLength - 1;
    }

    /**
     * Answers with structured replies from now on, or simple ones.
     */
    void structured(final boolean structured)
    {
        this.structured = structured;
    }

    void reset()
    {
        position = 0;
        limit = 0;
        head = 0;
        tail = 0;
        progress = 0;
    }

    /**
     * @return bytes written to the socket since the writer was made; a connection sees from it that its client
     * takes its replies.
     */
    long bytesWritten()
    {
        return bytesWritten;
    }

    /**
     * @return true while anything is queued or buffered and not yet written.
     */
    boolean hasPending()
    {
        return limit > position || head != tail;
    }

    /**
     * Queues the reply of a slot whose error is set; it goes out after the replies queued before it.
     */
    void queue(final int slot)
    {
        queue[tail++ & mask] = slot;
    }

    /**
     * Makes room for a handshake message.
     *
     * @return the buffer to write into at {@link #claimOffset()}, or null if fewer than {@code length} bytes are free
     * until the socket drains.
     */
    MutableDirectBuffer claim(final int length)
    {
        compact();
        return sendBuffer.capacity() - limit >= length ? sendBuffer : null;
    }

    int claimOffset()
    {
        return limit;
    }

    void commit(final int length)
    {
        limit += length;
    }

    /**
     * Copies queued replies in and writes to the socket until everything is out or the socket is full.
     *
     * @return the number of replies copied out whole, whose slots were given back.
     */
    int writeTo(final SocketChannel channel) throws IOException
    {
        int released = 0;
        while (true)
        {
            released += fill();
            if (limit == position)
            {
                break;
            }
            send.limit(limit).position(position);
            final int written = channel.write(send);
            position += written;
            bytesWritten += written;
            if (position == limit)
            {
                position = 0;
                limit = 0;
            }
            if (0 == written || (head == tail && 0 == limit))
            {
                break;
            }
        }
        return released;
    }

    /**
     * Gives back the slots of every queued reply, when the connection closes.
     */
    void discard()
    {
        while (head != tail)
        {
            slots.free(queue[head++ & mask]);
        }
        reset();
    }

    private int fill()
    {
        int released = 0;
        while (head != tail)
        {
            final int slot = queue[head & mask];
            final int error = slots.error(slot);
            final int dataLength = dataLength(slot, error);
            compact();
            int room = sendBuffer.capacity() - limit;
            if (0 == progress)
            {
                final int length = prefixLength(slot, error, dataLength);
                if (room < length)
                {
                    break;
                }
                encodePrefix(slot, error, dataLength);
                prefix = length;
                limit += length;
                room -= length;
                progress = length;
            }
            final int copied = progress - prefix;
            final int length = Math.min(room, dataLength - copied);
            if (length > 0)
            {
                sendBuffer.putBytes(limit, slots.buffer(slot), copied, length);
                limit += length;
                progress += length;
            }
            if (progress - prefix < dataLength)
            {
                break;
            }
            head++;
            progress = 0;
            dispatcher.countReply(slot);
            slots.free(slot);
            released++;
        }
        return released;
    }

    /**
     * @return the bytes of the slot's buffer its reply carries after the prefix.
     */
    private int dataLength(final int slot, final int error)
    {
        if (NbdProtocol.OK != error)
        {
            return 0;
        }
        switch (slots.type(slot))
        {
            case CMD_READ:
                return (int)slots.length(slot);
            case CMD_BLOCK_STATUS:
                return structured ? slots.replyLength(slot) : 0;
            default:
                return 0;
        }
    }

    private int prefixLength(final int slot, final int error, final int dataLength)
    {
        if (!structured)
        {
            return SIMPLE_LENGTH;
        }
        if (NbdProtocol.OK != error)
        {
            return NbdStructuredReplyEncoder.errorLength(NbdRequestError.message(slots.reason(slot), error));
        }
        switch (slots.type(slot))
        {
            case CMD_READ:
                return NbdStructuredReplyEncoder.OFFSET_DATA_PREFIX_LENGTH;
            case CMD_BLOCK_STATUS:
                return NbdStructuredReplyEncoder.BLOCK_STATUS_PREFIX_LENGTH;
            default:
                return SIMPLE_LENGTH;
        }
    }

    private void encodePrefix(final int slot, final int error, final int dataLength)
    {
        final long handle = slots.handle(slot);
        final int type = slots.type(slot);
        if (!structured || (NbdProtocol.OK == error && CMD_READ != type && CMD_BLOCK_STATUS != type))
        {
            reply.wrap(sendBuffer, limit).encode(error, handle);
        }
        else if (NbdProtocol.OK != error)
        {
            chunk.wrap(sendBuffer, limit).error(handle, error, NbdRequestError.message(slots.reason(slot), error));
        }
        else if (CMD_READ == type)
        {
            chunk.wrap(sendBuffer, limit).offsetData(handle, slots.offset(slot), dataLength);
        }
        else
        {
            chunk.wrap(sendBuffer, limit).blockStatus(handle, NbdProtocol.CONTEXT_ID_BASE_ALLOCATION, dataLength);
        }
    }

    private void compact()
    {
        if (position > 0)
        {
            final int remaining = limit - position;
            if (remaining > 0)
            {
                sendBuffer.putBytes(0, sendBuffer, position, remaining);
            }
            position = 0;
            limit = remaining;
        }
    }
}
