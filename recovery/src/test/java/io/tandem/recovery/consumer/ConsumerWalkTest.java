package io.tandem.recovery.consumer;

import io.tandem.recovery.graph.ActionTimeoutException;
import io.tandem.recovery.graph.CycleException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConsumerWalkTest
{
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());

    private RecoveryConsumer logged()
    {
        return ctx -> log.add(ctx.consumer());
    }

    @Test
    void cycleIsRejectedWithTheCycleNamed()
    {
        final ConsumerRegistry registry = new ConsumerRegistry()
            .register("fence", logged())
            .register("a", logged(), "fence", "c")
            .register("b", logged(), "a")
            .register("c", logged(), "b");

        final CycleException ex = assertThrows(CycleException.class, () -> registry.build("takeover"));

        assertTrue(ex.getMessage().contains("a -> b -> c -> a"), ex.getMessage());
    }

    @Test
    void unknownDependencyIsRejected()
    {
        final ConsumerRegistry registry = new ConsumerRegistry()
            .register("fence", logged())
            .register("replay", logged(), "scan");

        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> registry.build("takeover"));

        assertTrue(ex.getMessage().contains("'replay' depends on unknown 'scan'"), ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> registry.register("fence", logged()));
    }

    @Test
    void independentConsumersRunConcurrently() throws Exception
    {
        // three scans meet at a barrier: the walk passes only if all three run at the same time
        final CyclicBarrier scans = new CyclicBarrier(3);
        final ConsumerRegistry registry = new ConsumerRegistry().register("fence", logged());
        for (int s = 0; s < 3; s++)
        {
            registry.register("scan-stream-" + s, ctx ->
            {
                scans.await(10, TimeUnit.SECONDS);
                log.add(ctx.consumer());
            }, "fence");
        }
        registry.register("serve", logged(), "scan-stream-0", "scan-stream-1", "scan-stream-2");

        final WalkResult result = registry.build("takeover").walk("takeover-epoch-2").run();

        assertTrue(result.passed(), result.snapshot()::toText);
        assertEquals("fence", log.get(0));
        assertEquals("serve", log.get(4));
        assertEquals(5, result.snapshot().counts().get(ConsumerState.DONE));
    }

    @Test
    void dependentConsumersAreSerialised() throws Exception
    {
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger maxRunning = new AtomicInteger();
        final RecoveryConsumer step = ctx ->
        {
            maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
            log.add("start " + ctx.consumer());
            log.add("end " + ctx.consumer());
            running.decrementAndGet();
        };
        final ConsumerRegistry registry = new ConsumerRegistry()
            .register("replay", step, "scan")      // registered before what it depends on, on purpose
            .register("fence", step)
            .register("scan", step, "load")
            .register("load", step, "fence");

        final WalkResult result = registry.build("chain").walk("op").run();

        assertTrue(result.passed());
        assertEquals(1, maxRunning.get());
        assertEquals(List.of("start fence", "end fence", "start load", "end load", "start scan", "end scan",
            "start replay", "end replay"), log);
        final WalkSnapshot snapshot = result.snapshot();
        assertTrue(snapshot.status("load").startedAtMs() >= snapshot.status("fence").endedAtMs());
    }

    @Test
    void failingConsumerStopsItsDependentsAndIsReportedWithItsCause() throws Exception
    {
        final List<String> ends = Collections.synchronizedList(new ArrayList<>());
        final ConsumerRegistry registry = new ConsumerRegistry()
            .register("fence", logged())
            .register("scan-stream-0", logged(), "fence")
            .register("scan-stream-1", ctx -> { throw new IllegalStateException("stream 1 torn at 4096"); }, "fence")
            .register("replay-stream-0", logged(), "scan-stream-0")
            .register("replay-stream-1", logged(), "scan-stream-1")
            .register("consistency-point", logged(), "replay-stream-0", "replay-stream-1")
            .register("serve", logged(), "consistency-point");

        final WalkResult result = registry.build("takeover").walk("takeover-epoch-3")
            .listener(new ConsumerListener()
            {
                public void onConsumerEnd(
                    final String operationId, final String consumer, final ConsumerState state,
                    final Throwable cause, final long durationMs)
                {
                    ends.add(consumer + "=" + state);
                }
            })
            .run();

        assertFalse(result.passed());
        final WalkSnapshot snapshot = result.snapshot();
        assertEquals(Set.of("scan-stream-1"), snapshot.failed().keySet());
        assertEquals("stream 1 torn at 4096", snapshot.failed().get("scan-stream-1").getMessage());
        assertEquals(List.of("replay-stream-1", "consistency-point", "serve"), snapshot.inState(ConsumerState.SKIPPED));
        // what did not depend on the failure went on, then was undone with the rest
        assertTrue(log.contains("replay-stream-0"), log::toString);
        assertFalse(log.contains("consistency-point"));
        assertEquals(ConsumerState.UNDONE, snapshot.state("replay-stream-0"));
        assertTrue(ends.contains("scan-stream-1=FAILED"), ends::toString);
        assertTrue(ends.contains("serve=SKIPPED"), ends::toString);
        assertTrue(snapshot.toText().contains("cause: java.lang.IllegalStateException: stream 1 torn at 4096"),
            snapshot::toText);
    }

    @Test
    void consumerPastItsTimeoutFailsAndItsDependentsAreSkipped() throws Exception
    {
        final ConsumerRegistry registry = new ConsumerRegistry()
            .register("fence", logged())
            .register("load-superblock", ctx -> new CountDownLatch(1).await(), 100, TimeUnit.MILLISECONDS, "fence")
            .register("serve", logged(), "load-superblock");

        final WalkResult result = registry.build("takeover").walk("takeover-epoch-6").run();

        assertFalse(result.passed());
        final Throwable cause = result.snapshot().failed().get("load-superblock");
        assertInstanceOf(ActionTimeoutException.class, cause);
        assertTrue(cause.getMessage().contains("timed out after 100 ms"), cause.getMessage());
        assertEquals(ConsumerState.SKIPPED, result.snapshot().state("serve"));
        assertEquals(List.of("fence"), log);
    }

    @Test
    void progressIsVisibleWhileTheWalkRuns() throws Exception
    {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final ConsumerRegistry registry = new ConsumerRegistry()
            .register("fence", logged())
            .register("load-superblock", ctx ->
            {
                entered.countDown();
                assertTrue(release.await(10, TimeUnit.SECONDS));
            }, "fence")
            .register("serve", logged(), "load-superblock");
        final ConsumerWalk walk = registry.build("takeover").walk("takeover-epoch-4");
        final CompletableFuture<WalkResult> done = CompletableFuture.supplyAsync(() ->
        {
            try
            {
                return walk.run();
            }
            catch (final InterruptedException ex)
            {
                throw new IllegalStateException(ex);
            }
        });

        assertTrue(entered.await(10, TimeUnit.SECONDS));
        final WalkSnapshot during = walk.snapshot();
        release.countDown();
        final WalkResult result = done.get(10, TimeUnit.SECONDS);

        assertEquals(ConsumerState.DONE, during.state("fence"));
        assertTrue(during.status("fence").endedAtMs() > 0);
        assertEquals(ConsumerState.RUNNING, during.state("load-superblock"));
        assertTrue(during.status("load-superblock").startedAtMs() > 0);
        assertEquals(ConsumerState.PENDING, during.state("serve"));
        assertTrue(during.toText().contains("RUNNING"), during::toText);
        assertTrue(during.toDot().contains("\"load-superblock\" [style=filled, fillcolor=lightblue"),
            during::toDot);
        assertTrue(result.passed());
        assertEquals(ConsumerState.DONE, result.snapshot().state("serve"));
    }

    @Test
    void resumedConsumersAreNotRunAgain() throws Exception
    {
        final ConsumerRegistry registry = new ConsumerRegistry()
            .register("fence", logged())
            .register("load-superblock", logged(), "fence")
            .register("serve", logged(), "load-superblock");

        final WalkResult result = registry.build("takeover").walk("takeover-epoch-5")
            .resume(Set.of("fence", "load-superblock", "not-in-this-graph"))
            .run();

        assertTrue(result.passed());
        assertEquals(List.of("serve"), log);
        assertTrue(result.snapshot().status("fence").resumed());
        assertEquals(ConsumerState.DONE, result.snapshot().state("fence"));
        assertFalse(result.snapshot().status("serve").resumed());
    }

    @Test
    void graphPrintsAsTextAndDotWithItsEdges()
    {
        final ConsumerRegistry registry = new ConsumerRegistry().register("fence", logged())
            .register("load-superblock", logged(), "fence");
        for (int s = 0; s < 2; s++)
        {
            registry.register("scan-stream-" + s, logged(), "load-superblock")
                .register("replay-stream-" + s, logged(), "scan-stream-" + s);
        }
        registry.register("consistency-point", logged(), "replay-stream-0", "replay-stream-1")
            .register("serve", logged(), "consistency-point");
        final ConsumerGraph graph = registry.build("takeover");

        final String dot = graph.toDot();
        assertTrue(dot.contains("\"fence\" -> \"load-superblock\";"), dot);
        assertTrue(dot.contains("\"load-superblock\" -> \"scan-stream-1\";"), dot);
        assertTrue(dot.contains("\"scan-stream-1\" -> \"replay-stream-1\";"), dot);
        assertTrue(dot.contains("\"replay-stream-0\" -> \"consistency-point\";"), dot);
        assertTrue(dot.contains("\"consistency-point\" -> \"serve\";"), dot);
        assertTrue(graph.toText().contains("consistency-point <- replay-stream-0, replay-stream-1"), graph.toText());
    }
}
