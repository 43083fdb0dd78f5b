package io.tandem.controller.nbd;

import org.agrona.BufferUtil;

import java.nio.ByteBuffer;
import java.util.function.IntFunction;

/**
 * The pool of requests in flight across all connections, with their data buffers, so that steady-state traffic
 * allocates nothing. A slot is taken when a request header is parsed and given back when its reply has been copied
 * out (or, for a request whose connection closed, when the volume completes it: the volume may still be using
 * the buffer until then).
 * <p>
 * A slot is named outside the server by a token: {@code (generation << 32) | slot}. The generation changes each
 * time the slot is taken, so a completion for a slot already recycled is recognised and dropped.
 * <p>
 * Buffers, under one budget: every byte of every data buffer held, in use or kept for reuse, counts against
 * {@code maxBufferBytes}. A slot keeps a buffer of up to {@code retainedLength} bytes for reuse, grown to the
 * largest request it served; a longer request gets a buffer of its own, freed with the slot. When a new buffer
 * would pass the budget, buffers kept by free slots are freed first, the least recently used first; if that is not
 * enough the request waits ({@link #NO_BUFFER}) for requests in flight to give bytes back. A budget of at least the
 * longest request therefore always fits one when nothing else is in flight. Should the JVM refuse the direct
 * memory anyway (its MaxDirectMemorySize set below the budget), the request waits in the same way; the
 * OutOfMemoryError goes no further.
 * <p>
 * Not thread-safe: the server's agent thread only.
 */
final class RequestSlots
{
    static final byte FREE = 0;
    static final byte RECEIVING = 1;
    static final byte SUBMITTED = 2;
    static final byte QUEUED = 3;

    /** Returned by {@link #take} when every slot is in use. */
    static final int NO_SLOT = -1;

    /** Returned by {@link #take} when the buffer would pass the budget, or the JVM refused the memory. */
    static final int NO_BUFFER = -2;

    private static final int MIN_BUFFER_LENGTH = 4096;

    private final int capacity;
    private final int retainedLength;
    private final long maxBufferBytes;
    private final IntFunction<ByteBuffer> allocator;
    private final NbdCounters counters;
    private final int[] freeStack;
    private int freeCount;
    private long bufferBytes;
    private long freeRetainedBytes;

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
    private final byte[] reason;
    private final int[] replyLength;
    private final ByteBuffer[] retained;
    private final ByteBuffer[] current;

    /**
     * @param counters where the bytes held ({@link NbdCounters#BUFFER_BYTES_OFFSET}) and the memory the JVM
     *                 refused ({@link NbdCounters#BUFFER_ALLOCATION_FAILURES_OFFSET}) are counted.
     */
    RequestSlots(
        final int capacity, final int retainedLength, final long maxBufferBytes, final NbdCounters counters)
    {
        this(capacity, retainedLength, maxBufferBytes, counters, ByteBuffer::allocateDirect);
    }

    /**
     * @param allocator makes a direct buffer of the length asked; tests give one that fails.
     */
    RequestSlots(
        final int capacity,
        final int retainedLength,
        final long maxBufferBytes,
        final NbdCounters counters,
        final IntFunction<ByteBuffer> allocator)
    {
        this.counters = counters;
        this.capacity = capacity;
        this.retainedLength = retainedLength;
        this.maxBufferBytes = maxBufferBytes;
        this.allocator = allocator;
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
        reason = new byte[capacity];
        replyLength = new int[capacity];
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
     * @return bytes held in data buffers now, in use or kept for reuse; at most the budget.
     */
    long bufferBytes()
    {
        return bufferBytes;
    }

    /**
     * Takes a slot for a request and gives it a buffer positioned at 0 with its limit at {@code bufferLength}.
     *
     * @return the slot; or {@link #NO_SLOT} when none is free, {@link #NO_BUFFER} when the buffer does not fit the
     * budget now: try again after completions.
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
        if (0 == freeCount)
        {
            return NO_SLOT;
        }
        final int slot = freeStack[freeCount - 1];
        final ByteBuffer buffer = buffer(slot, bufferLength);
        if (null == buffer)
        {
            return NO_BUFFER;
        }
        freeCount--;
        final ByteBuffer kept = retained[slot];
        if (null != kept)
        {
            freeRetainedBytes -= kept.capacity();
        }
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
        reason[slot] = NbdRequestError.NONE;
        replyLength[slot] = 0;
        buffer.clear().limit(bufferLength);
        current[slot] = buffer;
        return slot;
    }

    /**
     * Gives a slot back; a buffer longer than the retained length is freed.
     */
    void free(final int slot)
    {
        final ByteBuffer buffer = current[slot];
        if (null != buffer && buffer != retained[slot])
        {
            release(buffer);
        }
        final ByteBuffer kept = retained[slot];
        if (null != kept)
        {
            freeRetainedBytes += kept.capacity();
        }
        current[slot] = null;
        state[slot] = FREE;
        freeStack[freeCount++] = slot;
    }

    /**
     * The buffer for the free slot on top of the stack: its own kept buffer if long enough, else a new one within
     * the budget (a kept buffer the new one replaces is freed).
     *
     * @return the buffer, or null if it does not fit now.
     */
    private ByteBuffer buffer(final int slot, final int bufferLength)
    {
        final ByteBuffer kept = retained[slot];
        final boolean keep = bufferLength <= retainedLength;
        if (keep && null != kept && kept.capacity() >= bufferLength)
        {
            return kept;
        }
        final int newLength = keep ? Math.min(retainedLength,
            Math.max(MIN_BUFFER_LENGTH, Integer.highestOneBit(Math.max(1, bufferLength - 1)) << 1)) : bufferLength;
        final long replaced = keep && null != kept ? kept.capacity() : 0;
        // a kept buffer being replaced is accounted for; any other, even this slot's, may be freed for the room
        if (!fitBudget(newLength - replaced, keep ? slot : -1))
        {
            return null;
        }
        if (replaced > 0)
        {
            freeRetainedBytes -= replaced;
            retained[slot] = null;
            release(kept);
        }
        ByteBuffer buffer = allocate(newLength);
        if (null == buffer && freeRetainedBytes > 0)
        {
            // memory outside the budget is short: give back every kept buffer and try once more
            reclaimRetained(Long.MAX_VALUE, -1);
            buffer = allocate(newLength);
        }
        if (null == buffer)
        {
            return null;
        }
        if (keep)
        {
            retained[slot] = buffer;
            freeRetainedBytes += newLength; // the slot is still free until take() moves it out
        }
        return buffer;
    }

    /**
     * @return true if {@code bytes} more fit the budget, after freeing buffers kept by free slots other than
     * {@code exceptSlot} if need be.
     */
    private boolean fitBudget(final long bytes, final int exceptSlot)
    {
        final long excess = bufferBytes + bytes - maxBufferBytes;
        if (excess <= 0)
        {
            return true;
        }
        final ByteBuffer own = exceptSlot < 0 ? null : retained[exceptSlot];
        final long reclaimable = freeRetainedBytes - (null == own ? 0 : own.capacity());
        if (reclaimable < excess)
        {
            return false;
        }
        reclaimRetained(excess, exceptSlot);
        return true;
    }

    /**
     * Frees buffers kept by free slots, from the bottom of the free stack (the least recently used) up, until at
     * least {@code bytes} are freed; not the one of {@code exceptSlot}.
     */
    private void reclaimRetained(final long bytes, final int exceptSlot)
    {
        long freed = 0;
        for (int i = 0; i < freeCount && freed < bytes; i++)
        {
            final int slot = freeStack[i];
            final ByteBuffer kept = retained[slot];
            if (null != kept && slot != exceptSlot)
            {
                retained[slot] = null;
                freeRetainedBytes -= kept.capacity();
                freed += kept.capacity();
                release(kept);
            }
        }
    }

    private ByteBuffer allocate(final int bufferLength)
    {
        try
        {
            final ByteBuffer buffer = allocator.apply(bufferLength);
            bufferBytes += buffer.capacity();
            counters.add(NbdCounters.BUFFER_BYTES_OFFSET, buffer.capacity());
            return buffer;
        }
        catch (final OutOfMemoryError ex)
        {
            // "Cannot reserve ... bytes of direct buffer memory": nothing was allocated; wait as for the budget
            counters.increment(NbdCounters.BUFFER_ALLOCATION_FAILURES_OFFSET);
            return null;
        }
    }

    private void release(final ByteBuffer buffer)
    {
        bufferBytes -= buffer.capacity();
        counters.add(NbdCounters.BUFFER_BYTES_OFFSET, -buffer.capacity());
        BufferUtil.free(buffer);
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
     * @return why the request was answered with an error ({@link NbdRequestError}), or NONE.
     */
    byte reason(final int slot)
    {
        return reason[slot];
    }

    void reason(final int slot, final byte value)
    {
        reason[slot] = value;
    }

    /**
     * @return the bytes of the buffer a successful reply carries where that is not the request's length: the
     * extent descriptors of a BLOCK_STATUS.
     */
    int replyLength(final int slot)
    {
        return replyLength[slot];
    }

    void replyLength(final int slot, final int value)
    {
        replyLength[slot] = value;
    }

    /**
     * @return the slot's buffer; position and limit as the last user left them.
     */
    ByteBuffer buffer(final int slot)
    {
        return current[slot];
    }
}
