package io.tandem.interconnect;

import io.tandem.interconnect.status.InterconnectCounters;
import io.tandem.interconnect.status.InterconnectStatusReader;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Streams flow over three paths while a seeded random schedule pulls and restores paths on either end: one at a
 * time, all but one, and sometimes all of them for a while. Each stream's sink must see exactly 1, 2, 3, ... and
 * every record the sender completed must have been marked durable by the sink. Set {@code -Dtandem.test.seed=N}
 * to replay a schedule.
 */
class OrderingUnderFireTest
{
    private static final int PATHS = 3;
    private static final int STREAMS = 6;
    private static final long CHAOS_NS = TimeUnit.SECONDS.toNanos(8);

    @Test
    void everyStreamArrivesExactlyOnceInOrderWhilePathsArePulledAndRestored()
    {
        final long seed = Long.getLong("tandem.test.seed", System.nanoTime());
        System.out.println("OrderingUnderFireTest seed=" + seed);
        final Random random = new Random(seed);
        final CheckingSink sink = new CheckingSink(STREAMS);
        final long[] completed = new long[STREAMS];
        try (AeronDirs dirs = new AeronDirs())
        {
            final int port = TestContexts.nextPortBase();
            try (InterconnectEndpoint secondary = InterconnectEndpoint.launchReceiver(
                TestContexts.context(dirs.base, "secondary", port, PATHS).streamCount(STREAMS).recordSink(sink));
                InterconnectEndpoint primary = InterconnectEndpoint.launchSender(
                    TestContexts.context(dirs.base, "primary", port, PATHS).streamCount(STREAMS)
                        .ackHandler((stream, sequence) -> completed[stream] = sequence)))
            {
                sink.markDurableWith(secondary.receiver());
                final MirrorSender sender = primary.sender();
                final UnsafeBuffer record = new UnsafeBuffer(new byte[4096]);
                awaitAllPathsUp(primary);

                final StringBuilder log = new StringBuilder();
                final long startNs = System.nanoTime();
                long nextActionNs = startNs;
                long noLivePath = 0;
                int stream = 0;
                while (System.nanoTime() - startNs < CHAOS_NS)
                {
                    final long nowNs = System.nanoTime();
                    if (nowNs >= nextActionNs)
                    {
                        log.append(String.format("%6d ms %s%n",
                            TimeUnit.NANOSECONDS.toMillis(nowNs - startNs), act(random, primary, secondary)));
                        nextActionNs = nowNs + TimeUnit.MILLISECONDS.toNanos(100 + random.nextInt(600));
                    }
                    final long sequence = sender.nextSequence(stream);
                    final int length = Payloads.encode(record, stream, sequence, 16 + random.nextInt(4000));
                    if (MirrorSender.NO_LIVE_PATH == sender.offer(stream, sequence, record, 0, length))
                    {
                        noLivePath++;
                    }
                    stream = (stream + 1) % STREAMS;
                    primary.invoker().invoke();
                }
                for (int path = 0; path < PATHS; path++)
                {
                    primary.restore(path);
                    secondary.restore(path);
                }
                System.out.print(log);

                final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (!sender.isIdle())
                {
                    primary.invoker().invoke();
                    assertTrue(System.nanoTime() < deadlineNs, "records left unacknowledged after paths returned");
                }

                assertNull(sink.firstError(), sink.firstError());
                long total = 0;
                for (int s = 0; s < STREAMS; s++)
                {
                    final long last = sender.nextSequence(s) - 1;
                    total += last;
                    assertEquals(last, sink.lastSequence(s), "stream " + s + " at the sink");
                    assertEquals(last, sender.ackedSequence(s), "stream " + s + " acked");
                    assertEquals(last, completed[s], "stream " + s + " completed");
                    assertEquals(last, secondary.receiver().durableSequence(s), "stream " + s + " durable");
                }
                assertEquals(total, sink.records(), "each record handed on exactly once");

                long downEvents = 0;
                long retransmits = 0;
                try (InterconnectStatusReader status = InterconnectStatusReader.open(primary.aeronDirectory()))
                {
                    for (int path = 0; path < PATHS; path++)
                    {
                        downEvents += status.value(InterconnectCounters.PATH_DOWN_EVENTS_TYPE_ID, path, 0);
                        retransmits += status.value(InterconnectCounters.PATH_RETRANSMITS_TYPE_ID, path, 0);
                    }
                }
                System.out.printf("OrderingUnderFireTest: %d records over %d streams, %d path-down events, " +
                    "%d retransmits, %d offers refused with no live path, %d duplicates dropped%n",
                    total, STREAMS, downEvents, retransmits, noLivePath,
                    readCounter(secondary, InterconnectCounters.DUPLICATES_TYPE_ID));
                assertTrue(downEvents > 0, "the schedule pulled no path down: the test proved nothing");
                assertTrue(total > 1000, "too little traffic: " + total);
            }
        }
    }

    private static long readCounter(final InterconnectEndpoint endpoint, final int typeId)
    {
        try (InterconnectStatusReader status = InterconnectStatusReader.open(endpoint.aeronDirectory()))
        {
            return status.value(typeId, -1, 0);
        }
    }

    static void awaitAllPathsUp(final InterconnectEndpoint primary)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        final int all = (1 << primary.context().pathCount()) - 1;
        while (primary.sender().liveMask() != all)
        {
            primary.invoker().invoke();
            assertTrue(System.nanoTime() < deadlineNs, "paths did not come up");
        }
    }

    private static String act(
        final Random random, final InterconnectEndpoint primary, final InterconnectEndpoint secondary)
    {
        final int choice = random.nextInt(100);
        if (choice < 35)
        {
            final int path = random.nextInt(PATHS);
            pull(random, primary, secondary, path);
            return "pull path " + path;
        }
        if (choice < 60)
        {
            final int path = random.nextInt(PATHS);
            primary.restore(path);
            secondary.restore(path);
            return "restore path " + path;
        }
        if (choice < 78)
        {
            final int survivor = random.nextInt(PATHS);
            for (int path = 0; path < PATHS; path++)
            {
                if (path == survivor)
                {
                    primary.restore(path);
                    secondary.restore(path);
                }
                else
                {
                    pull(random, primary, secondary, path);
                }
            }
            return "pull all but path " + survivor;
        }
        if (choice < 88)
        {
            for (int path = 0; path < PATHS; path++)
            {
                pull(random, primary, secondary, path);
            }
            return "pull all paths";
        }
        for (int path = 0; path < PATHS; path++)
        {
            primary.restore(path);
            secondary.restore(path);
        }
        return "restore all paths";
    }

    private static void pull(
        final Random random,
        final InterconnectEndpoint primary,
        final InterconnectEndpoint secondary,
        final int path)
    {
        // either end may lose the cable: the protocol must not care which
        (random.nextBoolean() ? primary : secondary).pull(path);
    }
}
