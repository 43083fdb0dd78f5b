package io.tandem.primary.nbd;

import org.agrona.BufferUtil;

import java.nio.ByteBuffer;

/**
 * The pool of requests in flight across all connections, with their data buffers, so that steady-state traffic
 * allocates nothing. A slot is taken when a request header is parsed and given back when its reply has been copied
 * out (or, for a request whose connection closed, when the volume completes it: the volume may still be using
 * the buffer until then).
 * <p>
 * A slot is named outside the server by a token: {@code (generation << 32) | slot}. The generation changes each
 * time the slot is taken, so a completion for a slot already recycled is recognised and dropped.
 * <p>
 * Buffers: a slot keeps a buffer of up to {@code retainedLength} bytes for reuse, grown to the largest request
 * it served. A longer request gets a buffer of its own, freed with the slot; such buffers together may hold at
 * most {@code maxLargeBytes}, except that one is always allowed.
 * <p>
 * Not thread-safe: the server's agent thread only.
 */
final class RequestSlots
{
    static final byte FREE = 0;
    static final byte RECEIVING = 1;
    static final byte SUBMITTED = 2;
    static final byte QUEUED = 3;

    private static final int MIN_BUFFER_LENGTH = 4096;

    private final int capacity;
    private final int retainedLength;
    private final long maxLargeBytes;
    private final int[] freeStack;
    private int freeCount;
    private long largeBytes;

    private final int[] generation;
    private final byte[] state;
    private final int[] connection;
    private final int[] connectionGeneration;
    private final long[] handle;
    private final int[] type;
    private final int[] flags;
    private final long[] offset;
    private final long[] length;
    private final int[] error;
    private final ByteBuffer[] retained;
    private final ByteBuffer[] current;

    RequestSlots(final int capacity, final int retainedLength, final long maxLargeBytes)
    {
        this.capacity = capacity;
        this.retainedLength = retainedLength;
        this.maxLargeBytes = maxLargeBytes;
        freeStack = new int[capacity];
        for (int i = 0; i < capacity; i++)
        {
            freeStack[i] = capacity - 1 - i;
        }
        freeCount = capacity;
        generation = new int[capacity];
        state = new byte[capacity];
        connection = new int[capacity];
        connectionGeneration = new int[capacity];
        handle = new long[capacity];
        type = new int[capacity];
        flags = new int[capacity];
        offset = new long[capacity];
        length = new long[capacity];
        error = new int[capacity];
        retained = new ByteBuffer[capacity];
        current = new ByteBuffer[capacity];
    }

    int capacity()
    {
        return capacity;
    }

    int inUse()
    {
        return capacity - freeCount;
    }

    int freeCount()
    {
        return freeCount;
    }

    /**
     * @return true if a buffer of {@code bufferLength} can be had now without passing the large-buffer budget.
     */
    boolean canBuffer(final long bufferLength)
    {
        return bufferLength <= retainedLength || 0 == largeBytes || largeBytes + bufferLength <= maxLargeBytes;
    }

    /**
     * Takes a slot for a request and gives it a buffer positioned at 0 with its limit at {@code bufferLength}.
     *
     * @return the slot, or -1 when none is free or the buffer would pass the budget (try again after completions).
     */
    int take(
        final int connectionIndex,
        final int connectionGen,
        final long requestHandle,
        final int requestType,
        final int requestFlags,
        final long requestOffset,
        final long requestLength,
        final int bufferLength)
    {
        if (0 == freeCount || !canBuffer(bufferLength))
        {
            return -1;
        }
        final int slot = freeStack[--freeCount];
        generation[slot]++;
        state[slot] = RECEIVING;
        connection[slot] = connectionIndex;
        connectionGeneration[slot] = connectionGen;
        handle[slot] = requestHandle;
        type[slot] = requestType;
        flags[slot] = requestFlags;
        offset[slot] = requestOffset;
        length[slot] = requestLength;
        error[slot] = NbdProtocol.OK;

        ByteBuffer buffer;
        if (bufferLength <= retainedLength)
        {
            buffer = retained[slot];
            if (null == buffer || buffer.capacity() < bufferLength)
            {
                if (null != buffer)
                {
                    BufferUtil.free(buffer);
                }
                final int roundedUp = Integer.highestOneBit(Math.max(1, bufferLength - 1)) << 1;
                final int newLength = Math.min(retainedLength, Math.max(MIN_BUFFER_LENGTH, roundedUp));
                buffer = ByteBuffer.allocateDirect(newLength);
                retained[slot] = buffer;
            }
        }
        else
        {
            buffer = ByteBuffer.allocateDirect(bufferLength);
            largeBytes += buffer.capacity();
        }
        buffer.clear().limit(bufferLength);
        current[slot] = buffer;
        return slot;
    }

    /**
     * Gives a slot back; a large buffer is freed.
     */
    void free(final int slot)
    {
        final ByteBuffer buffer = current[slot];
        if (null != buffer && buffer != retained[slot])
        {
            largeBytes -= buffer.capacity();
            BufferUtil.free(buffer);
        }
        current[slot] = null;
        state[slot] = FREE;
        freeStack[freeCount++] = slot;
    }

    long token(final int slot)
    {
        return ((long)generation[slot] << 32) | slot;
    }

    /**
     * @return the slot a token names if it is still in flight with the volume, else -1.
     */
    int submittedSlot(final long token)
    {
        final int slot = (int)token;
        if (slot < 0 || slot >= capacity || generation[slot] != (int)(token >>> 32) || SUBMITTED != state[slot])
        {
            return -1;
        }
        return slot;
    }

    byte state(final int slot)
    {
        return state[slot];
    }

    void state(final int slot, final byte newState)
    {
        state[slot] = newState;
    }

    int connection(final int slot)
    {
        return connection[slot];
    }

    int connectionGeneration(final int slot)
    {
        return connectionGeneration[slot];
    }

    long handle(final int slot)
    {
        return handle[slot];
    }

    int type(final int slot)
    {
        return type[slot];
    }

    int flags(final int slot)
    {
        return flags[slot];
    }

    long offset(final int slot)
    {
        return offset[slot];
    }

    long length(final int slot)
    {
        return length[slot];
    }

    int error(final int slot)
    {
        return error[slot];
    }

    void error(final int slot, final int value)
    {
        error[slot] = value;
    }

    /**
     * @return the slot's buffer; position and limit as the last user left them.
     */
    ByteBuffer buffer(final int slot)
    {
        return current[slot];
    }
}
