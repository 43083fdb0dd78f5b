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

    @Test
    void aPathSilentWhileAnotherIsHeardSteadilyGoesDownAfterHalfTheTimeout()
    {
        final PathLiveness liveness = new PathLiveness(2, TIMEOUT_NS);
        final long heartbeatNs = 20_000_000L;
        long nowNs = 1_000_000_000L;
        liveness.onHeard(0, nowNs);
        liveness.onHeard(1, nowNs);
        final long pulledAtNs = nowNs; // path 0 is heard no more; path 1 every heartbeat
        while (nowNs + heartbeatNs <= pulledAtNs + liveness.quickTimeoutNs())
        {
            nowNs += heartbeatNs;
            liveness.onHeard(1, nowNs);
            assertEquals(0b11, liveness.evaluate(nowNs, 0b11), "within half the timeout: still up");
        }
        nowNs = pulledAtNs + liveness.quickTimeoutNs() + 1;
        assertEquals(0b10, liveness.evaluate(nowNs, 0b11), "silent while path 1 was heard steadily: down");

        liveness.onHeard(0, nowNs);
        assertEquals(0b11, liveness.evaluate(nowNs, 0b11), "heard again: up");
    }

    @Test
    void whenEveryPathFallsSilentTogetherOnlyTheFullTimeoutTakesOneDown()
    {
        // either end starved of CPU or paused: nothing is heard on any path, then the frames come all at once
        final PathLiveness liveness = new PathLiveness(2, TIMEOUT_NS);
        long nowNs = 1_000_000_000L;
        for (int beat = 0; beat < 5; beat++)
        {
            nowNs += 20_000_000L;
            liveness.onHeard(0, nowNs);
            liveness.onHeard(1, nowNs);
        }
        final long silentFromNs = nowNs;
        nowNs = silentFromNs + liveness.quickTimeoutNs() + 30_000_000L;
        assertEquals(0b11, liveness.evaluate(nowNs, 0b11), "all silent: nobody was heard steadily");
        liveness.onHeard(1, nowNs); // the first frame after the stall arrives on path 1 only
        assertEquals(0b11, liveness.evaluate(nowNs, 0b11),
            "path 1's frame ends a gap of its own: it was not heard steadily, so path 0 is not blamed");
        nowNs += 1_000_000L;
        liveness.onHeard(0, nowNs);
        assertEquals(0b11, liveness.evaluate(nowNs, 0b11));
    }

    @Test
    void anotherPathHeardOnlyInBurstsDoesNotShortenTheTimeout()
    {
        final PathLiveness liveness = new PathLiveness(2, TIMEOUT_NS);
        long nowNs = 1_000_000_000L;
        liveness.onHeard(0, nowNs);
        liveness.onHeard(1, nowNs);
        final long silentFromNs = nowNs;
        final long burstGapNs = liveness.steadyGapNs() + 10_000_000L;
        while (nowNs + burstGapNs < silentFromNs + TIMEOUT_NS)
        {
            nowNs += burstGapNs;
            liveness.onHeard(1, nowNs);
            assertEquals(0b11, liveness.evaluate(nowNs, 0b11), "path 1 heard with gaps: path 0 has the full timeout");
        }
        nowNs = silentFromNs + TIMEOUT_NS + 1;
        liveness.onHeard(1, nowNs);
        assertEquals(0b10, liveness.evaluate(nowNs, 0b11), "the full timeout: down");
    }
}
