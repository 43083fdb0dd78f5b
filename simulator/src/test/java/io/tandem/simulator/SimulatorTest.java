package io.tandem.simulator;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The simulator in CI: at least 500 seeds, and more while they fit in about two minutes, from seed 1 (or
 * {@code -Dtandem.sim.first}); and a seed replays exactly.
 */
class SimulatorTest
{
    private static final long MIN_SEEDS = Long.getLong("tandem.sim.minSeeds", 500);
    private static final long BUDGET_S = Long.getLong("tandem.sim.budgetS", 120);

    @Test
    void manySeedsOfFaultsLoseNoAcknowledgedWriteAndThePairAlwaysRecovers() throws Exception
    {
        final long first = Long.getLong("tandem.sim.first", 1);
        final ByteArrayOutputStream printed = new ByteArrayOutputStream();
        final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        final Simulate.Runs atLeast = Simulate.runMany(new SimulationContext(), first, MIN_SEEDS, Long.MAX_VALUE,
            Runtime.getRuntime().availableProcessors(), out);
        Simulate.Runs more = null;
        final long spentS = TimeUnit.NANOSECONDS.toSeconds(atLeast.elapsedNs);
        if (null == atLeast.failed && spentS < BUDGET_S)
        {
            more = Simulate.runMany(new SimulationContext(), first + MIN_SEEDS, Long.MAX_VALUE,
                TimeUnit.SECONDS.toNanos(BUDGET_S - spentS), Runtime.getRuntime().availableProcessors(), out);
        }
        final String report = printed.toString(StandardCharsets.UTF_8);
        System.out.println(report);
        assertNull(atLeast.failed, report);
        assertNull(null == more ? null : more.failed, report);
        assertEquals(MIN_SEEDS, atLeast.seedsRun);
        assertTrue(atLeast.writesAcked > 0 && atLeast.readsChecked > 0, "the clients did work: " + report);
        assertTrue(atLeast.zeroExtentsChecked > 0, "no block status said an extent reads as zeroes: " + report);
        for (final Fault fault : Fault.values())
        {
            assertTrue(atLeast.faults.getOrDefault(fault, 0L) > 0, "no " + fault + " was injected: " + report);
        }
    }

    @Test
    void aSeedReplaysExactly() throws Exception
    {
        final SimulationResult once = Simulation.run(new SimulationContext().seed(42));
        final SimulationResult again = Simulation.run(new SimulationContext().seed(42));
        assertEquals(once.journal(), again.journal());
        assertEquals(once.digest(), again.digest());
        assertEquals(once.writesAcked(), again.writesAcked());
        assertTrue(once.journal().size() > 10, "a run with faults journals them");
    }
}
