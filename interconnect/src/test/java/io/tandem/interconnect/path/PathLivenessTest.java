package io.tandem.interconnect.path;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PathLivenessTest
{
    private static final long TIMEOUT_NS = 200_000_000L;

    @Test
    void downUntilHeardThenDownAfterSilenceLongerThanTheTimeout()
    {
        final PathLiveness liveness = new PathLiveness(2, TIMEOUT_NS);
        long nowNs = 5_000_000_000L;
        assertEquals(0, liveness.evaluate(nowNs, 0b11), "never heard: down");

        liveness.onHeard(0, nowNs);
        liveness.onHeard(1, nowNs);
        assertEquals(0b11, liveness.evaluate(nowNs, 0b11));

        nowNs += TIMEOUT_NS;
        liveness.onHeard(1, nowNs);
        assertEquals(0b11, liveness.evaluate(nowNs, 0b11), "exactly the timeout: still up");
        nowNs += 1;
        assertEquals(0b10, liveness.evaluate(nowNs, 0b11), "one ns more: path 0 down");
        assertFalse(liveness.isLive(0));
        assertTrue(liveness.isLive(1));

        liveness.onHeard(0, nowNs);
        assertEquals(0b11, liveness.evaluate(nowNs, 0b11), "heard again: up");
    }

    @Test
    void aDisconnectedPublicationTakesThePathDownAtOnce()
    {
        final PathLiveness liveness = new PathLiveness(2, TIMEOUT_NS);
        liveness.onHeard(0, 0);
        liveness.onHeard(1, 0);
        assertEquals(0b01, liveness.evaluate(1, 0b01));
    }
}
