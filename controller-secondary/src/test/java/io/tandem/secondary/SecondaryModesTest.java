package io.tandem.secondary;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The secondary's mode machine, stepped as its agent steps it: one named transition per step, in order, and
 * none where the inputs say nothing new.
 */
class SecondaryModesTest
{
    private final SecondaryModes modes = new SecondaryModes();
    private final List<SecondaryTransition> made = new ArrayList<>();

    private void step(
        final boolean session, final boolean holds, final boolean takingOver, final boolean failed,
        final boolean serving, final boolean tookOver)
    {
        final SecondaryTransition change = modes.step(session, holds, takingOver, failed, serving, tookOver);
        if (null != change)
        {
            made.add(change);
        }
    }

    @Test
    void aSessionCatchesUpHoldsTheGenerationAndLosesItWhenThePrimaryResyncs()
    {
        step(false, false, false, false, false, false);
        assertEquals(SecondaryMode.WAITING, modes.mode());
        assertNull(modes.last(), "nothing changed");
        step(true, false, false, false, false, false);
        step(true, false, false, false, false, false);
        step(true, true, false, false, false, false);
        step(true, false, false, false, false, false); // the primary opened a new generation
        step(false, false, false, false, false, false); // and a new epoch ended the session
        assertEquals(List.of(SecondaryTransition.SESSION_STARTED, SecondaryTransition.GENERATION_HELD,
            SecondaryTransition.GENERATION_LEFT, SecondaryTransition.SESSION_ENDED), made);
        assertEquals(SecondaryMode.WAITING, modes.mode());
    }

    @Test
    void aFailedTakeoverWaitsForARetryAndAPassedOneServes()
    {
        step(true, true, false, false, false, false);
        step(true, true, false, false, false, false);
        step(false, true, true, false, false, false);
        step(false, false, false, true, false, false);
        step(false, false, false, true, false, false);
        assertEquals(SecondaryMode.TAKEOVER_FAILED, modes.mode(), "the failure stays until a retry");
        step(false, false, true, false, false, false);
        step(false, false, false, false, true, true);
        step(false, false, false, false, true, true);
        assertEquals(List.of(SecondaryTransition.SESSION_STARTED, SecondaryTransition.GENERATION_HELD,
            SecondaryTransition.TAKEOVER_STARTED, SecondaryTransition.TAKEOVER_FAILED,
            SecondaryTransition.TAKEOVER_STARTED, SecondaryTransition.TOOK_OVER), made);
        assertEquals(SecondaryMode.SERVING, modes.mode());
    }

    @Test
    void aFailedTakeoverIsMootOnceThePartnerServesAgainAndTheSecondaryMirrorsAgain()
    {
        step(true, true, false, false, false, false);
        step(false, true, true, false, false, false);
        step(false, false, false, true, false, false);
        assertEquals(SecondaryMode.TAKEOVER_FAILED, modes.mode());
        step(false, false, false, false, false, false); // the partner serves at a newer epoch: failure cleared
        step(true, false, false, false, false, false);
        assertEquals(List.of(SecondaryTransition.SESSION_STARTED, SecondaryTransition.TAKEOVER_STARTED,
            SecondaryTransition.TAKEOVER_FAILED, SecondaryTransition.FAILED_TAKEOVER_MOOT,
            SecondaryTransition.SESSION_STARTED), made);
        assertEquals(SecondaryMode.CATCHING_UP, modes.mode());
    }

    @Test
    void aGivebackServesFromAnyMirroringMode()
    {
        step(true, false, false, false, false, false);
        step(true, false, false, false, true, false);
        assertEquals(List.of(SecondaryTransition.SESSION_STARTED, SecondaryTransition.GIVEN_BACK), made);
        assertEquals(SecondaryMode.SERVING, modes.mode());
    }

    @Test
    void everyTransitionLeavesOnlyTheModesItNamesAndEveryModeButServingHasAWayOut()
    {
        for (final SecondaryMode mode : SecondaryMode.values())
        {
            boolean wayOut = false;
            for (final SecondaryTransition transition : SecondaryTransition.values())
            {
                wayOut |= transition.leaves(mode);
                assertFalse(transition.leaves(transition.to()), transition + " would leave the mode it enters");
            }
            assertEquals(SecondaryMode.SERVING != mode, wayOut, mode.name());
        }
        assertTrue(SecondaryTransition.TAKEOVER_STARTED.leaves(SecondaryMode.TAKEOVER_FAILED), "a retry");
        assertFalse(SecondaryTransition.GIVEN_BACK.leaves(SecondaryMode.TAKING_OVER));
    }
}
