package io.tandem.interconnect.stream;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HoldBackTest
{
    private final UnsafeBuffer record = new UnsafeBuffer(new byte[64]);

    @Test
    void holdsUpToItsSlotsAheadOfTheExpectedSequence()
    {
        final HoldBack holdBack = new HoldBack(4, 64);
        assertTrue(holdBack.hold(1, 2, record, 0, 8));
        assertTrue(holdBack.hold(1, 4, record, 0, 8));
        assertTrue(holdBack.hold(1, 4, record, 0, 8), "a second copy is fine");
        assertFalse(holdBack.hold(1, 5, record, 0, 8), "beyond expected + slots - 1");
        assertFalse(holdBack.hold(3, 2, record, 0, 8), "behind the expected sequence");
        assertFalse(holdBack.hold(1, 3, record, 0, 65), "too long");
        assertEquals(2, holdBack.count());
        assertTrue(holdBack.holds(2) && holdBack.holds(4));
        assertFalse(holdBack.holds(3));
    }

    @Test
    void keepsTheBytesUntilRemoved()
    {
        final HoldBack holdBack = new HoldBack(8, 16);
        record.putLong(0, 0xCAFEL);
        holdBack.hold(10, 13, record, 0, 8);
        record.putLong(0, 0);
        assertEquals(0xCAFEL, holdBack.buffer().getLong(holdBack.offset(13)));
        assertEquals(8, holdBack.length(13));
        holdBack.remove(13);
        assertFalse(holdBack.holds(13));
        assertEquals(0, holdBack.count());
        holdBack.remove(13);
        assertEquals(0, holdBack.count(), "removing twice is harmless");
    }
}
