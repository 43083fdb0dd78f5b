package io.tandem.interconnect.path;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PathLivenessTest
{
    private static final long TIMEOUT_NS = 200_000_000L;
    private static final long BEAT_NS = 20_000_000L;
    /** The partner's clock: any base, compared only with itself. */
    private static final long PARTNER_CLOCK_OFFSET_NS = -7_777_000_000L;

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
        assertEquals(PathDownCause.NOT_CONNECTED, liveness.downCause(1));
    }

    @Test
    void aPathWhoseHeartbeatsStopWhileTheOthersKeepComingGoesDownAfterTheQuickTimeout()
    {
        final PathLiveness liveness = new PathLiveness(2, TIMEOUT_NS);
        long nowNs = beatOnEveryPath(liveness, 1_000_000_000L, 5);
        final long pulledAtNs = nowNs; // path 0 carries nothing more; path 1 a heartbeat every 20 ms
        while (nowNs + BEAT_NS <= pulledAtNs + liveness.quickTimeoutNs())
        {
            nowNs += BEAT_NS;
            beat(liveness, 1, nowNs);
            assertEquals(0b11, liveness.evaluate(nowNs, 0b11), "within the quick timeout: still up");
        }
        nowNs = pulledAtNs + liveness.quickTimeoutNs() + 1;
        assertEquals(0b10, liveness.evaluate(nowNs, 0b11), "the partner kept beating on path 1 only: path 0 down");
        assertEquals(PathDownCause.SILENT_ALONE, liveness.downCause(0));
        assertEquals(TIMEOUT_NS * 2 / 5, liveness.quickTimeoutNs());

        beat(liveness, 0, nowNs);
        assertEquals(0b11, liveness.evaluate(nowNs, 0b11), "heard again: up");
    }

    @Test
    void aPauseOfThePartnerDoesNotSendThePulledPathToTheFullTimeout()
    {
        // the old rule wanted the other path heard at most 50 ms apart: one 70 ms pause cost the full timeout
        final PathLiveness liveness = new PathLiveness(2, TIMEOUT_NS);
        long nowNs = beatOnEveryPath(liveness, 1_000_000_000L, 5);
        final long pulledAtNs = nowNs;
        nowNs += BEAT_NS;
        beat(liveness, 1, nowNs);
        nowNs += 70_000_000L;
        beat(liveness, 1, nowNs);
        assertEquals(0b11, liveness.evaluate(nowNs + 1, 0b11),
            "two beats after the pull, the second after a pause: not yet evidence");
        nowNs += BEAT_NS;
        beat(liveness, 1, nowNs);
        assertEquals(0b10, liveness.evaluate(nowNs + 1, 0b11), "a third beat: down");
        assertTrue(nowNs + 1 - pulledAtNs < TIMEOUT_NS * 3 / 5, "well before the full timeout");
    }

    @Test
    void whenEveryPathFallsSilentTogetherOnlyTheFullTimeoutTakesOneDown()
    {
        // the partner starved of CPU or paused: nothing is heard on any path, then its beats resume on both
        final PathLiveness liveness = new PathLiveness(2, TIMEOUT_NS);
        long nowNs = beatOnEveryPath(liveness, 1_000_000_000L, 5);
        nowNs += liveness.quickTimeoutNs() + 30_000_000L;
        assertEquals(0b11, liveness.evaluate(nowNs, 0b11), "all silent: no evidence against either path");
        beat(liveness, 1, nowNs); // its first beat after the stall arrives on path 1 first
        assertEquals(0b11, liveness.evaluate(nowNs, 0b11), "one beat on path 1 blames nothing");
        nowNs += 1_000_000L;
        beat(liveness, 0, nowNs);
        assertEquals(0b11, liveness.evaluate(nowNs, 0b11));
    }

    @Test
    void aStarvedReceiverThatReadsOnePathsWaitingBeatsFirstDoesNotBlameTheOther()
    {
        // this host stalls for 150 ms while the partner beats on both paths; one path's beats are read first
        final PathLiveness liveness = new PathLiveness(2, TIMEOUT_NS);
        long nowNs = beatOnEveryPath(liveness, 1_000_000_000L, 5);
        final long stalledFromNs = nowNs;
        nowNs += 150_000_000L;
        deliverWaitingBeats(liveness, 1, stalledFromNs, nowNs, nowNs);
        assertEquals(0b11, liveness.evaluate(nowNs, 0b11),
            "path 1's seven waiting beats arrived together: path 0's may be just behind them");
        deliverWaitingBeats(liveness, 0, stalledFromNs, nowNs, nowNs + 1_000L);
        assertEquals(0b11, liveness.evaluate(nowNs + 1_000L, 0b11));
    }

    @Test
    void aPathStillSilentAfterTheOthersWaitingBeatsAndOneMoreGoesDown()
    {
        final PathLiveness liveness = new PathLiveness(2, TIMEOUT_NS);
        long nowNs = beatOnEveryPath(liveness, 1_000_000_000L, 5);
        final long stalledFromNs = nowNs;
        nowNs += 150_000_000L;
        deliverWaitingBeats(liveness, 1, stalledFromNs, nowNs, nowNs);
        assertEquals(0b11, liveness.evaluate(nowNs, 0b11));
        nowNs += BEAT_NS;
        beat(liveness, 1, nowNs);
        assertEquals(0b10, liveness.evaluate(nowNs, 0b11), "this host ran again and path 0 still had nothing: down");
    }

    @Test
    void framesWithoutHeartbeatsNeverShortenTheTimeout()
    {
        final PathLiveness liveness = new PathLiveness(2, TIMEOUT_NS);
        long nowNs = 1_000_000_000L;
        liveness.onHeard(0, nowNs);
        liveness.onHeard(1, nowNs);
        final long silentFromNs = nowNs;
        while (nowNs + BEAT_NS <= silentFromNs + TIMEOUT_NS)
        {
            nowNs += BEAT_NS;
            liveness.onHeard(1, nowNs); // acks carry no sending time: no evidence
            assertEquals(0b11, liveness.evaluate(nowNs, 0b11), "path 0 has the full timeout");
        }
        nowNs = silentFromNs + TIMEOUT_NS + 1;
        assertEquals(0b10, liveness.evaluate(nowNs, 0b11), "the full timeout: down");
        assertEquals(PathDownCause.SILENT, liveness.downCause(0));
    }

    @Test
    void theLastPathHeardNeverGoesDownOnTheQuickRule()
    {
        final PathLiveness liveness = new PathLiveness(3, TIMEOUT_NS);
        long nowNs = beatOnEveryPath(liveness, 1_000_000_000L, 5);
        final long pulledAtNs = nowNs;
        while (nowNs <= pulledAtNs + liveness.quickTimeoutNs())
        {
            nowNs += BEAT_NS;
            beat(liveness, 2, nowNs); // paths 0 and 1 pulled
        }
        assertEquals(0b100, liveness.evaluate(nowNs + 1, 0b111), "both pulled paths down; path 2 carries on");
        final long partnerStoppedNs = nowNs;
        nowNs = partnerStoppedNs + TIMEOUT_NS;
        assertEquals(0b100, liveness.evaluate(nowNs, 0b111), "path 2 only on the full timeout");
        assertEquals(0, liveness.evaluate(nowNs + 1, 0b111));
    }

    private static long beatOnEveryPath(final PathLiveness liveness, final long fromNs, final int beats)
    {
        long nowNs = fromNs;
        for (int i = 0; i < beats; i++)
        {
            nowNs += BEAT_NS;
            for (int path = 0; path < liveness.pathCount(); path++)
            {
                beat(liveness, path, nowNs);
            }
        }
        return nowNs;
    }

    /**
     * The beats the partner sent on {@code path} every 20 ms after {@code fromNs} up to {@code toNs}, read all at
     * once at {@code arrivalNs}.
     */
    private static void deliverWaitingBeats(
        final PathLiveness liveness, final int path, final long fromNs, final long toNs, final long arrivalNs)
    {
        for (long sentNs = fromNs + BEAT_NS; sentNs <= toNs; sentNs += BEAT_NS)
        {
            liveness.onHeartbeat(path, arrivalNs, sentNs + PARTNER_CLOCK_OFFSET_NS);
        }
    }

    private static void beat(final PathLiveness liveness, final int path, final long nowNs)
    {
        liveness.onHeartbeat(path, nowNs, nowNs + PARTNER_CLOCK_OFFSET_NS);
    }
}
