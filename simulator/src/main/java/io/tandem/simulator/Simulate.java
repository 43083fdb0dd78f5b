package io.tandem.simulator;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code bench/simulate}: one seed replayed ({@code --seed S}), or many seeds ({@code --seeds N}, from
 * {@code --first S}, for at most {@code --time T} seconds, on {@code --threads} threads: one per core by default),
 * with seeds per second, faults injected by kind, checks run and violations. Exit 0 only if no seed found a
 * violation; the lowest failing seed found is printed whole.
 */
public final class Simulate
{
    private static final int GC_EVERY_SEEDS = 20;
    private static final int PROGRESS_EVERY_SEEDS = 500;

    private Simulate()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        try
        {
            run(args);
        }
        catch (final NumberFormatException | ArrayIndexOutOfBoundsException ex)
        {
            System.err.println("bench/simulate: an option lacks its number (" + ex.getMessage() + "); see --help");
            System.exit(2);
        }
    }

    private static void run(final String[] args) throws Exception
    {
        long seed = -1;
        long first = 1;
        long seeds = 100;
        long timeS = Long.MAX_VALUE;
        boolean verbose = false;
        int threads = Runtime.getRuntime().availableProcessors();
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--first" -> first = Long.parseLong(args[++i]);
                case "--seeds" -> seeds = Long.parseLong(args[++i]);
                case "--time" -> timeS = Long.parseLong(args[++i]);
                case "--journal" -> verbose = true;
                case "--threads" -> threads = Integer.parseInt(args[++i]);
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
        final Runs runs = runMany(ctx, first, seeds, TimeUnit.SECONDS.toNanos(Math.min(timeS, 1L << 32)), threads,
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
        long zeroExtentsChecked;
        long simulatedMs;
        long elapsedNs;
        final Map<Fault, Long> faults = new EnumMap<>(Fault.class);
        SimulationResult failed;

        void add(final SimulationResult result)
        {
            seedsRun++;
            checks += result.checks();
            writesAcked += result.writesAcked();
            readsChecked += result.readsChecked();
            zeroExtentsChecked += result.zeroExtentsChecked();
            simulatedMs += result.simulatedMs();
            result.faults().forEach((fault, count) -> faults.merge(fault, (long)count, Long::sum));
        }

        String summary()
        {
            return summary(elapsedNs);
        }

        String summary(final long elapsedNs)
        {
            return String.format("%d seeds in %.1f s: %.1f seeds/s, %d simulated s; faults %s; %d checks, %d " +
                "writes acknowledged, %d reads verified, %d zero extents verified; %d violations", seedsRun,
                elapsedNs / 1e9, seedsRun / (elapsedNs / 1e9), simulatedMs / 1000, faults, checks, writesAcked,
                readsChecked, zeroExtentsChecked, null == failed ? 0 : 1);
        }
    }

    /**
     * Runs seeds {@code first}, {@code first + 1}... on {@code threads} threads (each seed on one thread, alone)
     * until {@code seeds} ran, {@code budgetNs} passed or one fails, and prints the totals. A violation is printed
     * whole, with its seed.
     */
    static Runs runMany(
        final SimulationContext ctx, final long first, final long seeds, final long budgetNs, final int threads,
        final PrintStream out) throws Exception
    {
        return runMany(ctx, first, seeds, budgetNs, threads, out, System.err);
    }

    /**
     * {@link #runMany(SimulationContext, long, long, long, int, PrintStream)}, with a progress line every 500 seeds
     * on {@code progress}.
     */
    static Runs runMany(
        final SimulationContext ctx, final long first, final long seeds, final long budgetNs, final int threads,
        final PrintStream out, final PrintStream progress) throws Exception
    {
        final Runs runs = new Runs();
        final long startNs = System.nanoTime();
        final AtomicLong next = new AtomicLong(first);
        final long end = seeds > Long.MAX_VALUE - first ? Long.MAX_VALUE : first + seeds;
        final ExecutorService pool = Executors.newFixedThreadPool(threads);
        final List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++)
        {
            workers.add(pool.submit(() ->
            {
                long seed;
                while ((seed = next.getAndIncrement()) < end && System.nanoTime() - startNs < budgetNs)
                {
                    synchronized (runs)
                    {
                        if (null != runs.failed)
                        {
                            return null;
                        }
                    }
                    final SimulationResult result = Simulation.run(ctx.copy().seed(seed));
                    synchronized (runs)
                    {
                        runs.add(result);
                        if (0 == runs.seedsRun % PROGRESS_EVERY_SEEDS)
                        {
                            progress.println("... " + runs.summary(System.nanoTime() - startNs) + "; now at seed " +
                                seed);
                        }
                        if (0 == runs.seedsRun % GC_EVERY_SEEDS)
                        {
                            // killed processes leave channels (their mailboxes) to their cleaners: collect them
                            // before the open files run out, and their NVRAM's direct buffers with them
                            System.gc();
                        }
                        if (!result.passed() && (null == runs.failed || result.seed() < runs.failed.seed()))
                        {
                            runs.failed = result;
                        }
                    }
                }
                return null;
            }));
        }
        for (final Future<?> worker : workers)
        {
            worker.get();
        }
        pool.shutdown();
        runs.elapsedNs = System.nanoTime() - startNs;
        if (null != runs.failed)
        {
            runs.failed.printFailure(out);
        }
        out.println(runs.summary());
        return runs;
    }

    private static String summary(final SimulationResult result)
    {
        return "seed " + result.seed() + ": " + (result.passed() ? "passed" : "VIOLATION") + ", " +
            result.simulatedMs() / 1000 + " simulated s, faults " + result.faults() + ", " + result.checks() +
            " checks, " + result.writesAcked() + " writes acknowledged, " + result.readsChecked() +
            " reads verified, " + result.zeroExtentsChecked() + " zero extents verified, " + result.failovers() +
            " client failovers, journal digest " + Long.toHexString(result.digest());
    }
}
