package io.tandem.controller.errors;

import org.agrona.concurrent.AgentTerminationException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ControllerHealthTest
{
    private final List<String> told = new ArrayList<>();
    private long nowMs = 5_000;
    private final ControllerHealth health = new ControllerHealth(
        (fault, cause) -> told.add(fault + " " + cause.getMessage()), () -> nowMs);

    @Test
    void keepsTheFirstFaultAndTellsTheHandlerOnce()
    {
        assertTrue(health.mayBeat(null));
        final IOException cause = new IOException("EIO");
        assertTrue(health.fail(FatalFault.POOL_IO, cause));
        nowMs += 100;
        assertFalse(health.fail(FatalFault.NVRAM_FLUSHER, new IOException("later")));

        assertEquals(List.of("POOL_IO EIO"), told);
        assertEquals(FatalFault.POOL_IO, health.fault());
        assertSame(cause, health.cause());
        assertFalse(health.mayBeat(null));
        final StringBuilder out = new StringBuilder();
        health.appendStatus(out);
        assertEquals("health=failed POOL_IO at 5000: consistency points keep failing on pool I/O " +
            "(java.io.IOException: EIO)\n", out.toString());
    }

    @Test
    void anErrorOrATerminationFromTheAgentIsFatalAnExceptionIsNot()
    {
        health.onAgentError(new IllegalStateException("a bad request"));
        assertTrue(health.mayBeat(null));
        assertNull(health.fault());

        health.onAgentError(new OutOfMemoryError("Java heap space"));
        assertEquals(FatalFault.AGENT_ERROR, health.fault());
        assertEquals(List.of("AGENT_ERROR Java heap space"), told);

        final ControllerHealth other = new ControllerHealth(FatalFaultHandler.NONE, () -> nowMs);
        other.onAgentError(new AgentTerminationException("stop"));
        assertEquals(FatalFault.AGENT_STOPPED, other.fault());
    }

    @Test
    void aStoppedNvramFlusherStopsTheHeartbeat()
    {
        assertTrue(health.mayBeat(null));
        assertFalse(health.mayBeat(new IOException("No space left on device")));
        assertEquals(FatalFault.NVRAM_FLUSHER, health.fault());
        assertEquals(List.of("NVRAM_FLUSHER No space left on device"), told);
    }

    @Test
    void everyFaultHasItsOwnNonZeroExitCode()
    {
        final java.util.Set<Integer> codes = new java.util.HashSet<>();
        for (final FatalFault fault : FatalFault.values())
        {
            assertTrue(fault.exitCode() > 4, fault.name());
            assertTrue(codes.add(fault.exitCode()), fault.name());
        }
    }
}
