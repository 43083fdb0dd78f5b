package io.tandem.bench.interconnect;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Mirrored throughput and latency of the interconnect beside raw Aeron on the same channel settings.
 * <pre>
 *   java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED \
 *       -cp bench/target/benchmarks.jar io.tandem.bench.interconnect.InterconnectBench \
 *       [seconds] [rounds] [length] [fork]
 * </pre>
 * Each end has its own media driver (two drivers, UDP over loopback, MTU 65504); the receiving end runs on its own
 * thread of this JVM, or with {@code fork} in a second JVM ({@link ForkedPeer}) as the secondary would. On a shared
 * 2-core machine absolute figures swing widely (FACTS.md), so the runs are interleaved in rounds (raw, then 1, 2 and 4
 * paths, each measured for {@code seconds} after a 1 s warm-up) and the ratio to raw is taken within each round; the
 * summary gives the median of the rounds. Latency alternates raw and mirrored blocks the same way.
 */
public final class InterconnectBench
{
    private static final int MTU = 65504;
    private static final int TERM_LENGTH = io.tandem.interconnect.InterconnectContext.TERM_LENGTH_DEFAULT;
    private static final int STREAMS = 8;
    private static final int[] PATH_COUNTS = {1, 2, 4};
    private static final int ROUND_TRIPS_PER_BLOCK = 4000;

    private InterconnectBench()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final long seconds = args.length > 0 ? Long.parseLong(args[0]) : 3;
        final int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        final int recordLength = args.length > 2 ? Integer.parseInt(args[2]) : 4096;
        final boolean forked = args.length > 3 && "fork".equals(args[3]);
        final long warmupNs = TimeUnit.SECONDS.toNanos(1);
        final long measureNs = TimeUnit.SECONDS.toNanos(seconds);
        final int port = 27700;
        final Path base = BenchDrivers.newBase();
        final double[] raw = new double[rounds];
        final double[][] ratio = new double[PATH_COUNTS.length][rounds];
        final double[][] rate = new double[PATH_COUNTS.length][rounds];
        final long[] rawRtt = new long[rounds * ROUND_TRIPS_PER_BLOCK];
        final long[] mirroredRtt = new long[rounds * ROUND_TRIPS_PER_BLOCK];
        try
        {
            System.out.printf("interconnect bench: %d-byte records, MTU %d, term %d, %d streams, %d rounds of %d s, " +
                "receiving end %s%n", recordLength, MTU, TERM_LENGTH, STREAMS, rounds, seconds,
                forked ? "in a second JVM" : "on a thread of this JVM");
            for (int round = 0; round < rounds; round++)
            {
                try (RawAeronBaseline baseline = new RawAeronBaseline(base, port, MTU, TERM_LENGTH, forked))
                {
                    raw[round] = baseline.throughput(recordLength, warmupNs, measureNs);
                    System.arraycopy(baseline.roundTrips(recordLength, 1000, ROUND_TRIPS_PER_BLOCK), 0,
                        rawRtt, round * ROUND_TRIPS_PER_BLOCK, ROUND_TRIPS_PER_BLOCK);
                }
                final StringBuilder line = new StringBuilder(String.format(
                    "round %d: raw %,9.0f msg/s (%,6.0f MB/s)", round, raw[round], raw[round] * recordLength / 1e6));
                for (int i = 0; i < PATH_COUNTS.length; i++)
                {
                    final int paths = PATH_COUNTS[i];
                    try (MirroredRun run =
                        new MirroredRun(base, port + 100 * paths, paths, STREAMS, recordLength, forked))
                    {
                        rate[i][round] = run.throughput(recordLength, warmupNs, measureNs);
                        ratio[i][round] = rate[i][round] / raw[round];
                        if (2 == paths)
                        {
                            System.arraycopy(run.roundTrips(recordLength, 1000, ROUND_TRIPS_PER_BLOCK), 0,
                                mirroredRtt, round * ROUND_TRIPS_PER_BLOCK, ROUND_TRIPS_PER_BLOCK);
                        }
                    }
                    line.append(String.format(" | %d path%s %,9.0f rec/s %4.0f%%",
                        paths, 1 == paths ? " " : "s", rate[i][round], 100 * ratio[i][round]));
                }
                System.out.println(line);
            }

            System.out.printf("median raw Aeron one-way            : %,9.0f msg/s %,7.0f MB/s%n",
                median(raw), median(raw) * recordLength / 1e6);
            for (int i = 0; i < PATH_COUNTS.length; i++)
            {
                System.out.printf("median mirrored, %d path(s), acked    : %,9.0f rec/s %,7.0f MB/s  %4.0f%% of raw " +
                    "(median of per-round ratios)%n", PATH_COUNTS[i], median(rate[i]),
                    median(rate[i]) * recordLength / 1e6, 100 * median(ratio[i]));
            }
            System.out.println("round trip (us)                     :     p50     p90     p99   p99.9");
            printPercentiles("raw Aeron ping (" + recordLength + " B, 32 B reply)", rawRtt);
            printPercentiles("mirrored offer-to-ack, 2 paths", mirroredRtt);
        }
        finally
        {
            BenchDrivers.delete(base);
        }
    }

    private static double median(final double[] values)
    {
        final double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static void printPercentiles(final String name, final long[] rttNs)
    {
        final long[] sorted = rttNs.clone();
        Arrays.sort(sorted);
        System.out.printf("%-36s: %7.1f %7.1f %7.1f %7.1f%n", name,
            percentile(sorted, 0.50), percentile(sorted, 0.90), percentile(sorted, 0.99), percentile(sorted, 0.999));
    }

    private static double percentile(final long[] sorted, final double fraction)
    {
        return sorted[Math.min(sorted.length - 1, (int)(fraction * sorted.length))] / 1000.0;
    }
}
