package io.tandem.bench.interconnect;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Mirrored throughput and latency of the interconnect beside raw Aeron on the same channel settings, in one run
 * so the ratios are comparable (FACTS.md: absolute figures vary up to 1.6x between runs on this kind of machine).
 * <pre>
 *   java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED \
 *       -cp bench/target/benchmarks.jar io.tandem.bench.interconnect.InterconnectBench [seconds] [recordLength]
 * </pre>
 * Both ends run in this JVM, each with its own media driver (two drivers, UDP over loopback), the receiver on
 * its own thread: the same threads as two controller JVMs on one machine.
 */
public final class InterconnectBench
{
    private static final int MTU = 65504;
    private static final int TERM_LENGTH = 16 * 1024 * 1024;
    private static final int STREAMS = 8;
    private static final int[] PATH_COUNTS = {1, 2, 4};
    private static final int ROUND_TRIPS = 20_000;

    private InterconnectBench() {}

    public static void main(final String[] args) throws Exception
    {
        final long seconds = args.length > 0 ? Long.parseLong(args[0]) : 5;
        final int recordLength = args.length > 1 ? Integer.parseInt(args[1]) : 4096;
        final long warmupNs = TimeUnit.SECONDS.toNanos(2);
        final long measureNs = TimeUnit.SECONDS.toNanos(seconds);
        final int port = 27700;
        final Path base = BenchDrivers.newBase();
        try
        {
            System.out.printf("interconnect bench: %d-byte records, MTU %d, term %d, %d s per run, %d streams%n",
                recordLength, MTU, TERM_LENGTH, seconds, STREAMS);

            final double rawRate;
            final long[] rawRtt;
            try (RawAeronBaseline raw = new RawAeronBaseline(base, port, MTU, TERM_LENGTH))
            {
                rawRate = raw.throughput(recordLength, warmupNs, measureNs);
                rawRtt = raw.roundTrips(recordLength, ROUND_TRIPS / 4, ROUND_TRIPS);
            }
            System.out.printf("raw Aeron one-way          : %,10.0f msg/s  %,8.1f MB/s%n",
                rawRate, rawRate * recordLength / 1e6);

            long[] mirroredRtt = null;
            for (final int paths : PATH_COUNTS)
            {
                try (MirroredRun run = new MirroredRun(base, port + 100 * paths, paths, STREAMS, recordLength))
                {
                    final double rate = run.throughput(recordLength, warmupNs, measureNs);
                    System.out.printf("mirrored, %d path(s), acked : %,10.0f rec/s  %,8.1f MB/s  %5.1f%% of raw%n",
                        paths, rate, rate * recordLength / 1e6, 100 * rate / rawRate);
                    if (2 == paths)
                    {
                        mirroredRtt = run.roundTrips(recordLength, ROUND_TRIPS / 4, ROUND_TRIPS);
                    }
                }
            }

            System.out.println("round trip (us)            :     p50     p90     p99   p99.9");
            printPercentiles("raw Aeron ping (" + recordLength + " B + 32 B)", rawRtt);
            printPercentiles("mirrored offer-to-ack", mirroredRtt);
        }
        finally
        {
            BenchDrivers.delete(base);
        }
    }

    private static void printPercentiles(final String name, final long[] rttNs)
    {
        final long[] sorted = rttNs.clone();
        Arrays.sort(sorted);
        System.out.printf("%-27s: %7.1f %7.1f %7.1f %7.1f%n", name,
            percentile(sorted, 0.50), percentile(sorted, 0.90), percentile(sorted, 0.99), percentile(sorted, 0.999));
    }

    private static double percentile(final long[] sorted, final double fraction)
    {
        return sorted[Math.min(sorted.length - 1, (int)(fraction * sorted.length))] / 1000.0;
    }
}
