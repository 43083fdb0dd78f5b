package io.tandem.controller.nbd;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The buffer budget of the request slots: every byte held counts, kept buffers are freed to make room, and a JVM
 * that refuses direct memory makes a request wait instead of throwing.
 */
class RequestSlotsTest
{
    private static final int KIB = 1024;

    private final NbdCounters counters = new NbdCounters();

    @Test
    void buffersKeptForReuseCountAgainstTheBudget()
    {
        final RequestSlots slots = new RequestSlots(8, 64 * KIB, 96 * KIB, counters);
        final int small = take(slots, 32 * KIB);
        final int large = take(slots, 64 * KIB);
        assertTrue(small >= 0 && large >= 0);
        assertEquals(RequestSlots.NO_BUFFER, take(slots, 4 * KIB), "over the budget");
        slots.free(large);
        slots.free(small);
        assertEquals(96 * KIB, counters.bufferBytes(), "kept for reuse, and counted");

        // the slot on top keeps 32 KiB: growing it to 64 KiB frees the other slot's kept buffer to make room
        final int grown = take(slots, 64 * KIB);
        assertEquals(small, grown);
        assertEquals(64 * KIB, counters.bufferBytes());
        assertEquals(RequestSlots.NO_BUFFER, take(slots, 64 * KIB), "the bytes in use are not taken back");
        final int fits = take(slots, 32 * KIB);
        assertTrue(fits >= 0);
        assertEquals(96 * KIB, counters.bufferBytes());
        slots.free(fits);
        slots.free(grown);
        assertEquals(96 * KIB, counters.bufferBytes());
    }

    @Test
    void aRequestAsLongAsTheBudgetFitsOnceNothingElseIsInFlight()
    {
        final RequestSlots slots = new RequestSlots(4, 64 * KIB, 256 * KIB, counters);
        final int[] small = new int[4];
        for (int i = 0; i < 4; i++)
        {
            small[i] = take(slots, 64 * KIB);
        }
        for (final int slot : small)
        {
            slots.free(slot);
        }
        final int large = take(slots, 256 * KIB);
        assertTrue(large >= 0, "the kept buffers, the slot's own too, give way");
        assertEquals(256 * KIB, counters.bufferBytes());
        slots.free(large);
        assertEquals(0, counters.bufferBytes(), "a buffer longer than the retained length is freed with its slot");
    }

    @Test
    void memoryTheJvmRefusesMakesTheRequestWait()
    {
        final boolean[] refuse = {true};
        final RequestSlots slots = new RequestSlots(4, 64 * KIB, 256 * KIB, counters, length ->
        {
            if (refuse[0])
            {
                throw new OutOfMemoryError("Cannot reserve " + length + " bytes of direct buffer memory");
            }
            return ByteBuffer.allocateDirect(length);
        });
        assertEquals(RequestSlots.NO_BUFFER, take(slots, 64 * KIB));
        assertEquals(1, counters.bufferAllocationFailures());
        assertEquals(0, counters.bufferBytes());
        assertEquals(0, slots.inUse());

        refuse[0] = false;
        final int slot = take(slots, 64 * KIB);
        assertTrue(slot >= 0);
        assertEquals(64 * KIB, slots.buffer(slot).remaining());
    }

    private static int take(final RequestSlots slots, final int length)
    {
        return slots.take(0, 0, 1, NbdProtocol.CMD_READ, 0, 0, length, length);
    }
}
