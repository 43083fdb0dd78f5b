package io.tandem.secondary.takeover;

import io.tandem.controller.pool.MirrorState;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static io.tandem.secondary.takeover.TakeoverVerdict.Kind.REFUSE;
import static io.tandem.secondary.takeover.TakeoverVerdict.Kind.RESUME;
import static io.tandem.secondary.takeover.TakeoverVerdict.Kind.TAKE_OVER;
import static io.tandem.secondary.takeover.TakeoverVerdict.Reason;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The takeover decision, table by table: every input that can stop a takeover, alone, and the combinations
 * that let one go ahead.
 */
class TakeoverDecisionTest
{
    private static final int ME = 1;
    private static final int PARTNER = 0;
    private static final long STALE_MS = 1_000;
    private static final long GENERATION = 7;

    /**
     * A partner gone for good, a pool in sync with the generation this controller holds: a takeover goes ahead.
     * Each row changes one thing.
     */
    private static Inputs gone()
    {
        return new Inputs();
    }

    static Stream<Arguments> table()
    {
        return Stream.of(
            row("partner gone, generation held", gone(), TAKE_OVER, Reason.PARTNER_GONE_MIRROR_HELD),
            row("the pool is nobody's", gone().owner(-1), REFUSE, Reason.NO_PRIMARY),
            row("this controller owns the pool", gone().owner(ME), REFUSE, Reason.OWNER_ALREADY),
            row("owns it, never mirrored: resume", gone().owner(ME).resumable(true), RESUME, Reason.RESUMING),
            row("no mirror log", gone().hasMirror(false), REFUSE, Reason.NO_MIRROR),
            row("no mirror log, forced", gone().hasMirror(false).request(TakeoverRequest.FORCED), REFUSE,
                Reason.NO_MIRROR),
            row("heard on one path", gone().livePaths(1), REFUSE, Reason.PRIMARY_ALIVE),
            row("heard on one path, asked", gone().livePaths(1).request(TakeoverRequest.ASKED), REFUSE,
                Reason.PRIMARY_ALIVE),
            row("heard on one path, forced", gone().livePaths(1).request(TakeoverRequest.FORCED), TAKE_OVER,
                Reason.FORCED),
            row("no heartbeat ever", gone().age(-1), REFUSE, Reason.NO_HEARTBEAT),
            row("heartbeat fresh: the interconnect failed", gone().age(STALE_MS), REFUSE,
                Reason.INTERCONNECT_FAILED),
            row("heartbeat just stale", gone().age(STALE_MS + 1), TAKE_OVER, Reason.PARTNER_GONE_MIRROR_HELD),
            row("exited, heartbeat fresh and still heard: the host says so", gone().age(10).livePaths(2)
                .exited(true), TAKE_OVER, Reason.PARTNER_GONE_MIRROR_HELD),
            row("exited, but the mirror is stale", gone().exited(true).state(MirrorState.STALE), REFUSE,
                Reason.MIRROR_STALE),
            row("exited, but the generation is not held", gone().exited(true).held(GENERATION - 1), REFUSE,
                Reason.GENERATION_NOT_HELD),
            row("exited, but no mirror log", gone().exited(true).hasMirror(false), REFUSE, Reason.NO_MIRROR),
            row("mirror stale", gone().state(MirrorState.STALE), REFUSE, Reason.MIRROR_STALE),
            row("mirror stale, asked", gone().state(MirrorState.STALE).request(TakeoverRequest.ASKED), REFUSE,
                Reason.MIRROR_STALE),
            row("mirror stale, forced", gone().state(MirrorState.STALE).request(TakeoverRequest.FORCED), TAKE_OVER,
                Reason.FORCED),
            row("restarted: holds no generation", gone().held(0), REFUSE, Reason.GENERATION_NOT_HELD),
            row("holds an older generation", gone().held(GENERATION - 1), REFUSE, Reason.GENERATION_NOT_HELD),
            row("pool vouches for generation 0", gone().held(0).generation(0), REFUSE, Reason.GENERATION_NOT_HELD),
            row("restarted, asked", gone().held(0).request(TakeoverRequest.ASKED), REFUSE,
                Reason.GENERATION_NOT_HELD),
            row("restarted, forced", gone().held(0).request(TakeoverRequest.FORCED), TAKE_OVER, Reason.FORCED),
            row("a generation was starting: the pool holds all", gone().state(MirrorState.SYNCING).held(0),
                TAKE_OVER, Reason.PARTNER_GONE_POOL_HOLDS_ALL),
            row("starting, but the partner is alive", gone().state(MirrorState.SYNCING).livePaths(2), REFUSE,
                Reason.PRIMARY_ALIVE),
            row("starting, interconnect failed", gone().state(MirrorState.SYNCING).age(10), REFUSE,
                Reason.INTERCONNECT_FAILED));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void decides(final String name, final Inputs inputs, final TakeoverVerdict.Kind kind, final Reason reason)
    {
        final TakeoverVerdict verdict = TakeoverDecision.decide(inputs.build());
        assertEquals(kind, verdict.kind(), verdict.describe());
        assertEquals(reason, verdict.reason(), verdict.describe());
        assertEquals(REFUSE != kind, verdict.acts());
        assertFalse(verdict.describe().isEmpty());
    }

    private static Arguments row(
        final String name, final Inputs inputs, final TakeoverVerdict.Kind kind, final Reason reason)
    {
        return Arguments.of(name, inputs, kind, reason);
    }

    static final class Inputs
    {
        private int owner = PARTNER;
        private MirrorState state = MirrorState.IN_SYNC;
        private long generation = GENERATION;
        private boolean hasMirror = true;
        private long held = GENERATION;
        private boolean resumable;
        private int livePaths;
        private long ageMs = 5_000;
        private TakeoverRequest request = TakeoverRequest.NONE;
        private boolean exited;

        Inputs exited(final boolean exited)
        {
            this.exited = exited;
            return this;
        }

        Inputs owner(final int owner)
        {
            this.owner = owner;
            return this;
        }

        Inputs state(final MirrorState state)
        {
            this.state = state;
            return this;
        }

        Inputs generation(final long generation)
        {
            this.generation = generation;
            return this;
        }

        Inputs hasMirror(final boolean hasMirror)
        {
            this.hasMirror = hasMirror;
            return this;
        }

        Inputs held(final long held)
        {
            this.held = held;
            return this;
        }

        Inputs resumable(final boolean resumable)
        {
            this.resumable = resumable;
            return this;
        }

        Inputs livePaths(final int livePaths)
        {
            this.livePaths = livePaths;
            return this;
        }

        Inputs age(final long ageMs)
        {
            this.ageMs = ageMs;
            return this;
        }

        Inputs request(final TakeoverRequest request)
        {
            this.request = request;
            return this;
        }

        TakeoverInputs build()
        {
            return new TakeoverInputs(ME, PARTNER, owner, state, generation, hasMirror, held, resumable, livePaths,
                ageMs, STALE_MS, exited, request);
        }

        public String toString()
        {
            return "inputs";
        }
    }
}
