package io.tandem.primary;

import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The primary's transition table: each named transition leaves only the modes it names, no mode but the final
 * ones is a dead end, and the paths that matter for the durability promise go through the modes they must.
 */
class PrimaryTransitionTest
{
    @Test
    void everyModeButTheFinalOnesHasAWayOutAndTheFinalOnesHaveNone()
    {
        for (final PrimaryMode mode : PrimaryMode.values())
        {
            boolean wayOut = false;
            for (final PrimaryTransition transition : PrimaryTransition.values())
            {
                wayOut |= transition.leaves(mode);
            }
            assertEquals(!mode.isFinal(), wayOut, mode.name());
        }
    }

    @Test
    void aWriteIsAcknowledgedAloneOnlyAfterTheStaleRecordWasMade()
    {
        final Set<PrimaryMode> intoDegraded = EnumSet.noneOf(PrimaryMode.class);
        for (final PrimaryTransition transition : PrimaryTransition.values())
        {
            if (PrimaryMode.DEGRADED == transition.to())
            {
                for (final PrimaryMode mode : PrimaryMode.values())
                {
                    if (transition.leaves(mode))
                    {
                        intoDegraded.add(mode);
                    }
                }
            }
        }
        assertEquals(EnumSet.of(PrimaryMode.RECORDING_STALE), intoDegraded,
            "DEGRADED is entered from RECORDING_STALE only, once the record is durable");
        assertEquals(PrimaryMode.MIRRORED, PrimaryTransition.STALE_RECORD_FAILED.to(), "a failed record: writes wait");
    }

    @Test
    void mirroringResumesOnlyThroughANewGeneration()
    {
        assertTrue(PrimaryTransition.PARTNER_BACK.leaves(PrimaryMode.DEGRADED));
        assertEquals(PrimaryMode.RESYNC, PrimaryTransition.PARTNER_BACK.to());
        assertEquals(PrimaryMode.SYNCING, PrimaryTransition.GENERATION_STARTED.to());
        for (final PrimaryTransition transition : PrimaryTransition.values())
        {
            if (PrimaryMode.MIRRORED == transition.to())
            {
                assertFalse(transition.leaves(PrimaryMode.DEGRADED) || transition.leaves(PrimaryMode.RESYNC),
                    transition + ": from DEGRADED or RESYNC, mirroring resumes only through SYNCING");
            }
        }
    }

    @Test
    void aGivebackEitherHandsOverOrServesAgainNeverStaysPut()
    {
        assertEquals(PrimaryMode.GIVEN_BACK, PrimaryTransition.GAVE_BACK.to());
        assertEquals(PrimaryMode.MIRRORED, PrimaryTransition.GIVEBACK_ABORTED.to());
        assertTrue(PrimaryTransition.FENCED_BY_PARTNER.leaves(PrimaryMode.GIVEBACK));
    }
}
