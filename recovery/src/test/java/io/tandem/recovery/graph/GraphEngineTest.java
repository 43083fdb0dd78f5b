package io.tandem.recovery.graph;

import org.agrona.concurrent.CachedNanoClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GraphEngineTest
{
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private GraphEngine engine;

    @AfterEach
    void close()
    {
        if (null != engine)
        {
            engine.close();
        }
    }

    private Action<Void> logged(final String name)
    {
        return Action.of(s -> log.add("do " + name), s -> log.add("undo " + name));
    }

    @Test
    void failureStopsDispatchLetsInFlightFinishAndUndoesInReverseOrder() throws Exception
    {
        final CountDownLatch cFailed = new CountDownLatch(1);
        final AtomicInteger listenerStarts = new AtomicInteger();
        final List<String> started = Collections.synchronizedList(new ArrayList<>());
        engine = new GraphEngine(new GraphEngineContext().listener(new GraphListener()
        {
            public void onStarted(final String graph, final int attempt, final String action)
            {
                listenerStarts.incrementAndGet();
                started.add(action);
            }

            public void onFailed(final String graph, final int attempt, final String action, final Throwable cause)
            {
                cFailed.countDown();
            }
        }));
        final AntecedenceGraph<Void> graph = AntecedenceGraph.<Void>builder("op")
            .add("a", logged("a"))
            .add("b", Action.of(
                s ->
                {
                    // in flight when c fails; finishes only after the engine saw the failure
                    assertTrue(cFailed.await(10, TimeUnit.SECONDS));
                    log.add("do b");
                },
                s -> log.add("undo b")), "a")
            .add("c", Action.of(s -> { throw new IllegalStateException("c broke"); }, s -> log.add("undo c")), "a")
            .add("d", logged("d"), "b")
            .add("e", logged("e"), "c")
            .onRelease(s -> log.add("release"))
            .build();

        final GraphRun<Void> run = engine.start(graph, null, null);
        final GraphResult result = GraphEngine.drive(run);

        assertFalse(result.passed());
        assertEquals("c", result.lastFailure().action());
        assertEquals("c broke", result.lastFailure().cause().getMessage());
        assertEquals(List.of("do a", "do b", "undo b", "undo a", "release"), log);
        assertEquals("a", started.get(0));
        assertEquals(List.of("a", "b", "c"), sorted(started));
        assertEquals(3, listenerStarts.get(), "nothing may be dispatched after the failure: " + started);
        assertEquals(ActionState.SKIPPED, run.progress().state("d"));
        assertEquals(ActionState.SKIPPED, run.progress().state("e"));
        assertEquals(ActionState.FAILED, run.progress().state("c"));
        assertEquals(ActionState.UNDONE, run.progress().state("a"));
        assertEquals(ActionState.UNDONE, run.progress().state("b"));
        assertEquals(2, run.progress().undone());
        assertEquals(2, run.progress().skipped());
    }

    private static List<String> sorted(final List<String> names)
    {
        final List<String> copy = new ArrayList<>(names);
        Collections.sort(copy);
        return copy;
    }

    @Test
    void independentActionsRunConcurrentlyUpToTheBound() throws Exception
    {
        engine = new GraphEngine(new GraphEngineContext().maxParallelism(2));
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger maxRunning = new AtomicInteger();
        // each pair meets at the barrier: it can only trip if two actions are in DO at the same time
        final CyclicBarrier pair = new CyclicBarrier(2);
        final Action<Void> overlapping = s ->
        {
            maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
            try
            {
                pair.await(10, TimeUnit.SECONDS);
            }
            finally
            {
                running.decrementAndGet();
            }
        };
        final AntecedenceGraph.Builder<Void> builder = AntecedenceGraph.<Void>builder("parallel")
            .add("root", logged("root"));
        for (int i = 0; i < 4; i++)
        {
            builder.add("scan-" + i, overlapping, "root");
        }
        builder.add("join", logged("join"), "scan-0", "scan-1", "scan-2", "scan-3");

        final GraphResult result = engine.run(builder.build(), null, null);

        assertTrue(result.passed(), () -> String.valueOf(result.lastFailure()));
        assertEquals(2, maxRunning.get(), "the bound is 2 and pairs must overlap");
        assertEquals(List.of("do root", "do join"), log);
    }

    @Test
    void actionBlockingForeverIsTimedOutInterruptedAndTheRestUndone() throws Exception
    {
        final CachedNanoClock clock = new CachedNanoClock();
        engine = new GraphEngine(
            new GraphEngineContext().nanoClock(clock).interruptGraceNs(TimeUnit.SECONDS.toNanos(10)));
        final CountDownLatch hangStarted = new CountDownLatch(1);
        final AtomicBoolean interrupted = new AtomicBoolean();
        final AntecedenceGraph<Void> graph = AntecedenceGraph.<Void>builder("op")
            .add("a", logged("a"))
            .add("hang", Action.of(
                s ->
                {
                    hangStarted.countDown();
                    try
                    {
                        new CountDownLatch(1).await();
                    }
                    catch (final InterruptedException ex)
                    {
                        interrupted.set(true);
                        log.add("hang interrupted");
                        throw ex;
                    }
                },
                s -> log.add("undo hang")), 1, TimeUnit.HOURS, "a")
            .build();
        final GraphRun<Void> run = engine.start(graph, null, null);
        while (hangStarted.getCount() > 0)
        {
            if (0 == run.doWork())
            {
                run.awaitWork();
            }
        }
        run.doWork();
        assertEquals(ActionState.RUNNING, run.progress().state("hang"));

        clock.advance(TimeUnit.HOURS.toNanos(1));
        final GraphResult result = GraphEngine.drive(run);

        assertFalse(result.passed());
        assertEquals("hang", result.lastFailure().action());
        assertInstanceOf(ActionTimeoutException.class, result.lastFailure().cause());
        assertTrue(interrupted.get());
        assertEquals(List.of("do a", "hang interrupted", "undo a"), log);
        assertEquals(ActionState.TIMED_OUT, run.progress().state("hang"));
        assertEquals(1, run.progress().timedOut());
        assertTrue(result.lastFailure().abandoned().isEmpty());
    }

    @Test
    void shortRealTimeoutAndAnActionThatIgnoresItsInterruptIsAbandoned() throws Exception
    {
        engine = new GraphEngine(new GraphEngineContext().interruptGraceNs(TimeUnit.MILLISECONDS.toNanos(50)));
        final CountDownLatch never = new CountDownLatch(1);
        final AntecedenceGraph<Void> graph = AntecedenceGraph.<Void>builder("op")
            .add("a", logged("a"))
            .add("stubborn", s ->
            {
                while (never.getCount() > 0)
                {
                    try
                    {
                        never.await();
                    }
                    catch (final InterruptedException ignored)
                    {
                        // a badly behaved action: it swallows the interrupt and keeps waiting
                    }
                }
            }, 100, TimeUnit.MILLISECONDS, "a")
            .build();

        final long startNs = System.nanoTime();
        final GraphResult result = engine.run(graph, null, null);
        final long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
        never.countDown();

        assertFalse(result.passed());
        assertInstanceOf(ActionTimeoutException.class, result.lastFailure().cause());
        assertEquals(List.of("stubborn"), result.lastFailure().abandoned());
        assertEquals(List.of("do a", "undo a"), log);
        assertTrue(tookMs >= 150 && tookMs < 5_000, "took " + tookMs + " ms");
    }

    @Test
    void errorHandlerChoosesTheNextGraphAndRetriesAreBounded() throws Exception
    {
        engine = new GraphEngine(new GraphEngineContext().maxAttempts(3));
        final AntecedenceGraph<List<String>> failing = AntecedenceGraph.<List<String>>builder("four-paths")
            .add("a", Action.of(s -> s.add("do a"), s -> s.add("undo a")))
            .add("path-3", s -> { throw new IllegalStateException("path 3 is down"); }, "a")
            .onRelease(s -> s.add("release"))
            .build();
        final AntecedenceGraph<List<String>> degraded = AntecedenceGraph.<List<String>>builder("three-paths")
            .add("a", s -> s.add("do a"))
            .build();
        final List<GraphFailure> seen = new ArrayList<>();

        final GraphResult recovered = engine.run(failing, log, (failure, state) ->
        {
            seen.add(failure);
            state.add("handler");
            return degraded;
        });

        assertTrue(recovered.passed());
        assertEquals(2, recovered.attempts());
        assertEquals("three-paths", recovered.lastGraph());
        assertEquals(List.of("do a", "undo a", "release", "handler", "do a"), log);
        assertEquals(1, seen.size());
        assertEquals("path-3", seen.get(0).action());
        assertNull(recovered.lastFailure());

        final AtomicInteger calls = new AtomicInteger();
        final GraphResult exhausted = engine.run(failing, new ArrayList<>(), (failure, state) ->
        {
            calls.incrementAndGet();
            return failing;
        });
        assertFalse(exhausted.passed());
        assertTrue(exhausted.retriesExhausted());
        assertEquals(3, exhausted.attempts());
        assertEquals(3, exhausted.failures().size());
        assertEquals(3, calls.get());
    }

    @Test
    void undoFailureIsReportedAndTheOtherUndosStillRun() throws Exception
    {
        engine = new GraphEngine(new GraphEngineContext());
        final AntecedenceGraph<Void> graph = AntecedenceGraph.<Void>builder("op")
            .add("a", logged("a"))
            .add("b", Action.of(s -> log.add("do b"), s -> { throw new IllegalStateException("cannot undo b"); }), "a")
            .add("c", s -> { throw new IllegalStateException("c broke"); }, "b")
            .build();

        final GraphResult result = engine.run(graph, null, null);

        assertFalse(result.passed());
        assertEquals(List.of("do a", "do b", "undo a"), log);
        assertEquals("cannot undo b", result.lastFailure().undoFailures().get("b").getMessage());
    }

    @Test
    void cycleIsRejectedAndNamed()
    {
        final CycleException ex = org.junit.jupiter.api.Assertions.assertThrows(CycleException.class,
            () -> AntecedenceGraph.<Void>builder("op")
                .add("a", s -> { }, "c")
                .add("b", s -> { }, "a")
                .add("c", s -> { }, "b")
                .add("d", s -> { }, "c")
                .build());
        assertTrue(ex.getMessage().contains("a -> b -> c -> a"), ex.getMessage());
        assertEquals(List.of("a", "b", "c", "a"), ex.cycle());
    }

    @Test
    void unknownAntecedentAndDuplicateNamesAreRejected()
    {
        final IllegalArgumentException unknown = org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class,
            () -> AntecedenceGraph.<Void>builder("op").add("a", s -> { }, "ghost").build());
        assertTrue(unknown.getMessage().contains("'a' depends on unknown 'ghost'"), unknown.getMessage());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
            () -> AntecedenceGraph.<Void>builder("op").add("a", s -> { }).add("a", s -> { }));
    }

    @Test
    void printsAsTextAndDot()
    {
        final AntecedenceGraph<Void> graph = AntecedenceGraph.<Void>builder("takeover")
            .add("fence", s -> { })
            .add("load-superblock", s -> { }, "fence")
            .add("scan-0", s -> { }, "load-superblock")
            .add("scan-1", s -> { }, "load-superblock")
            .add("serve", s -> { }, "scan-0", "scan-1")
            .build();

        final String text = graph.toText();
        assertTrue(text.contains("graph takeover (5 actions)"), text);
        assertTrue(text.contains("  serve <- scan-0, scan-1\n"), text);
        final String dot = graph.toDot();
        assertTrue(dot.startsWith("digraph \"takeover\" {"), dot);
        assertTrue(dot.contains("\"fence\" -> \"load-superblock\";"), dot);
        assertTrue(dot.contains("\"scan-1\" -> \"serve\";"), dot);
    }
}
