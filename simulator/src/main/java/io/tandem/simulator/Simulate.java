package io.tandem.simulator;

import java.io.PrintStream;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code bench/simulate}: one seed replayed ({@code --seed S}), or many seeds in a row ({@code --seeds N}, from
 * {@code --first S}, for at most {@code --time T} seconds), with seeds per second, faults injected by kind, checks
 * run and violations. Exit 0 only if no seed found a violation; the first violation is printed whole and ends
 * the run.
 */
public final class Simulate
{
    private Simulate()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        long seed = -1;
        long first = 1;
        long seeds = 100;
        long timeS = Long.MAX_VALUE;
        boolean verbose = false;
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--first" -> first = Long.parseLong(args[++i]);
                case "--seeds" -> seeds = Long.parseLong(args[++i]);
                case "--time" -> timeS = Long.parseLong(args[++i]);
                case "--journal" -> verbose = true;
                default ->
                {
                    System.err.println("bench/simulate: unknown option " + args[i] + " (see --help)");
                    System.exit(2);
                }
            }
        }
        final SimulationContext ctx = new SimulationContext();
        if (seed >= 0)
        {
            final SimulationResult result = Simulation.run(ctx.copy().seed(seed));
            if (verbose || !result.passed())
            {
                result.printFailure(System.out);
            }
            System.out.println(summary(result));
            System.exit(result.passed() ? 0 : 1);
        }
        final Runs runs = runMany(ctx, first, seeds, TimeUnit.SECONDS.toNanos(Math.min(timeS, Long.MAX_VALUE / 2_000_000_000L)),
            System.out);
        System.exit(null == runs.failed ? 0 : 1);
    }

    /**
     * What a run of many seeds found.
     */
    static final class Runs
    {
        long seedsRun;
        long checks;
        long writesAcked;
        long readsChecked;
        long simulatedMs;
        long elapsedNs;
        final Map<Fault, Long> faults = new EnumMap<>(Fault.class);
        SimulationResult failed;
    }

    /**
     * Runs seeds {@code first}, {@code first + 1}... until {@code seeds} ran, {@code budgetNs} passed or one
     * fails, and prints the totals.
     */
    static Runs runMany(
        final SimulationContext ctx, final long first, final long seeds, final long budgetNs, final PrintStream out)
        throws Exception
    {
        final Runs runs = new Runs();
        final long startNs = System.nanoTime();
        for (long seed = first; seed < first + seeds && System.nanoTime() - startNs < budgetNs; seed++)
        {
            final SimulationResult result = Simulation.run(ctx.copy().seed(seed));
            runs.seedsRun++;
            runs.checks += result.checks();
            runs.writesAcked += result.writesAcked();
            runs.readsChecked += result.readsChecked();
            runs.simulatedMs += result.simulatedMs();
            result.faults().forEach((fault, count) -> runs.faults.merge(fault, (long)count, Long::sum));
            if (!result.passed())
            {
                runs.failed = result;
                result.printFailure(out);
                break;
            }
        }
        runs.elapsedNs = System.nanoTime() - startNs;
        final double seconds = runs.elapsedNs / 1e9;
        out.printf("%d seeds (%d..%d) in %.1f s: %.1f seeds/s, %d simulated s; faults %s; %d checks, %d writes " +
            "acknowledged, %d reads verified; %d violations%n", runs.seedsRun, first, first + runs.seedsRun - 1,
            seconds, runs.seedsRun / seconds, runs.simulatedMs / 1000, runs.faults, runs.checks, runs.writesAcked,
            runs.readsChecked, null == runs.failed ? 0 : 1);
        return runs;
    }

    private static String summary(final SimulationResult result)
    {
        return "seed " + result.seed() + ": " + (result.passed() ? "passed" : "VIOLATION") + ", " +
            result.simulatedMs() / 1000 + " simulated s, faults " + result.faults() + ", " + result.checks() +
            " checks, " + result.writesAcked() + " writes acknowledged, " + result.readsChecked() +
            " reads verified, " + result.failovers() + " client failovers, journal digest " +
            Long.toHexString(result.digest());
    }
}
