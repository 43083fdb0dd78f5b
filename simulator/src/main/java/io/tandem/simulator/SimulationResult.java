package io.tandem.simulator;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/**
 * What one seed's run found.
 *
 * @param seed         the seed; {@code bench/simulate --seed} replays it.
 * @param violations   every check that failed, in order; empty when the run passed.
 * @param schedule     the faults injected, with their simulated times.
 * @param journal      the run's event journal.
 * @param digest       a digest of the journal: the same seed gives the same digest.
 * @param faults       faults injected, by kind.
 * @param checks       steps after which the invariants were checked.
 * @param writesAcked  writes the clients saw acknowledged.
 * @param readsChecked reads checked against the model.
 * @param zeroExtentsChecked extents a controller said read as zeroes, checked against the read just before.
 * @param failovers    times a client moved to the other controller.
 * @param simulatedMs  simulated time the run took.
 * @param scripted     the faults came from a {@link Script}, not from the seed.
 */
public record SimulationResult(
    long seed,
    List<String> violations,
    List<String> schedule,
    List<String> journal,
    long digest,
    Map<Fault, Integer> faults,
    long checks,
    long writesAcked,
    long readsChecked,
    long zeroExtentsChecked,
    long failovers,
    long simulatedMs,
    boolean scripted)
{
    public boolean passed()
    {
        return violations.isEmpty();
    }

    /**
     * Prints what a violation needs to be understood and replayed: the seed, the violations, the fault schedule
     * and the journal.
     */
    public void printFailure(final PrintStream out)
    {
        out.println("VIOLATION with seed " + seed + (scripted ? " (a scripted schedule; the seed drew the rest)" :
            " (replay: bench/simulate --seed " + seed + ")"));
        violations.forEach(v -> out.println("  " + v));
        out.println("fault schedule:");
        schedule.forEach(line -> out.println("  " + line));
        out.println("journal:");
        journal.forEach(line -> out.println("  " + line));
    }
}
