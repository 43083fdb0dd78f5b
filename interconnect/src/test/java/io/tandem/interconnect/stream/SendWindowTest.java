package io.tandem.interconnect.stream;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SendWindowTest
{
    @Test
    void boundedByRecordCount()
    {
        final SendWindow window = new SendWindow(4096, 4, 1);
        for (long sequence = 1; sequence <= 4; sequence++)
        {
            assertTrue(window.append(sequence, 10) >= 0);
        }
        assertEquals(-1, window.append(5, 10));
        assertEquals(2, window.release(2));
        assertEquals(3, window.firstSequence());
        assertTrue(window.append(5, 10) >= 0);
        assertEquals(3, window.recordCount());
    }

    @Test
    void boundedByBytesAndNeverWrapsAFrame()
    {
        final SendWindow window = new SendWindow(1000, 64, 1);
        assertEquals(0, window.append(1, 400));
        assertEquals(400, window.append(2, 400));
        assertEquals(-1, window.append(3, 400), "only 200 bytes left, and a frame never wraps");
        window.release(1);
        assertEquals(0, window.append(3, 400), "goes to the start, leaving the tail unused");
        assertEquals(1000, window.bytesUsed(), "the skipped tail counts until released");
        assertEquals(-1, window.append(4, 8));
        window.release(3);
        assertEquals(0, window.bytesUsed());
        assertFalse(window.holds(3));
        assertEquals(window.nextSequence(), window.firstSequence());
    }

    @Test
    void keepsEachFramesOffsetAndLengthForResend()
    {
        final SendWindow window = new SendWindow(4096, 8, 10);
        final int first = window.append(10, 100);
        final int second = window.append(11, 33);
        assertEquals(first, window.offset(10));
        assertEquals(100, window.length(10));
        assertEquals(second, window.offset(11));
        assertEquals(104, second, "8-byte aligned");
        assertEquals(33, window.length(11));
        assertTrue(window.holds(10) && window.holds(11));
        window.release(10);
        assertFalse(window.holds(10));
        assertEquals(0, window.release(9), "releasing what is gone does nothing");
    }

    @Test
    void recordsHeldInPlaceTakeNoRingSpaceButCountAgainstTheByteBound()
    {
        final SendWindow window = new SendWindow(1000, 64, 1);
        final UnsafeBuffer log = new UnsafeBuffer(new byte[4096]);
        assertTrue(window.appendInPlace(1, log, 2048, 600));
        assertEquals(log, window.buffer(1));
        assertEquals(2048, window.offset(1));
        assertEquals(600, window.length(1));
        assertEquals(0, window.append(2, 400), "a copy goes to the ring's start: the record in place used none");
        assertEquals(window.ring(), window.buffer(2));
        assertEquals(1000, window.bytesUsed());
        assertFalse(window.appendInPlace(3, log, 0, 8), "the byte bound counts both");
        assertEquals(-1, window.append(3, 8));

        assertTrue(window.holdsInPlace(log, 2048, 2049));
        assertFalse(window.holdsInPlace(log, 0, 2048));
        assertFalse(window.holdsInPlace(window.ring(), 0, 1000), "a copy is not held in place");
        window.release(1);
        assertFalse(window.holdsInPlace(log, 0, 4096));
        assertEquals(400, window.bytesUsed());
        window.clear();
        assertEquals(0, window.bytesUsed());
        assertEquals(0, window.recordCount());
        assertEquals(3, window.nextSequence());
    }

    @Test
    void refusesOutOfOrderAppends()
    {
        final SendWindow window = new SendWindow(4096, 8, 1);
        assertThrows(IllegalArgumentException.class, () -> window.append(2, 10));
    }
}
