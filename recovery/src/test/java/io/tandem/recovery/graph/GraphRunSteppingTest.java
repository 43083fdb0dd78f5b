package io.tandem.recovery.graph;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The run as a state machine: stepped by hand with actions run inline on the stepping thread (INVOKER style),
 * every step is deterministic.
 */
class GraphRunSteppingTest
{
    @Test
    void steppedInlineEveryDoWorkIsDeterministic()
    {
        final List<String> log = new ArrayList<>();
        final GraphEngine engine = new GraphEngine(new GraphEngineContext().executor(Runnable::run));
        final AntecedenceGraph<List<String>> graph = AntecedenceGraph.<List<String>>builder("op")
            .add("b", Action.of(s -> s.add("do b"), s -> s.add("undo b")), "a")
            .add("a", Action.of(s -> s.add("do a"), s -> s.add("undo a")))
            .add("c", s -> { throw new IllegalStateException("c broke"); }, "a")
            .add("d", s -> s.add("do d"), "b")
            .build();
        final GraphRun<List<String>> run = engine.start(graph, log, null);
        assertEquals(GraphRun.Phase.DISPATCHING, run.phase());
        assertEquals(List.of(), log, "nothing runs before the first step");

        run.doWork();
        assertEquals(List.of("do a"), log);
        run.doWork(); // a passes; b then c are dispatched in the order they were added
        assertEquals(List.of("do a", "do b"), log);
        assertEquals(ActionState.RUNNING, run.progress().state("b"), "the engine sees a finish on its next step");
        assertEquals(ActionState.RUNNING, run.progress().state("c"));
        run.doWork(); // b passed, c failed: d is never dispatched
        assertEquals(ActionState.PASSED, run.progress().state("b"));
        assertEquals(ActionState.FAILED, run.progress().state("c"));
        assertEquals(GraphRun.Phase.UNDOING, run.phase(), "nothing was in flight: quiesced at once");
        assertEquals(List.of("do a", "do b"), log);
        assertEquals(ActionState.SKIPPED, run.progress().state("d"));

        while (!run.isDone())
        {
            run.doWork();
        }
        assertEquals(List.of("do a", "do b", "undo b", "undo a"), log);
        assertEquals(GraphRun.Phase.FAILED, run.phase());
        assertEquals("c", run.result().lastFailure().action());
        engine.close();
    }

    @Test
    void boundedParallelismHoldsOnTheCallersUnboundedExecutor() throws Exception
    {
        final ExecutorService pool = Executors.newCachedThreadPool();
        try
        {
            final GraphEngine engine = new GraphEngine(new GraphEngineContext().executor(pool).maxParallelism(3));
            final AtomicInteger running = new AtomicInteger();
            final AtomicInteger maxRunning =
                new AtomicInteger();
            final CyclicBarrier three = new CyclicBarrier(3);
            final AntecedenceGraph.Builder<Void> builder = AntecedenceGraph.builder("wide");
            for (int i = 0; i < 9; i++)
            {
                builder.add("scan-" + i, s ->
                {
                    maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                    try
                    {
                        three.await(10, TimeUnit.SECONDS);
                    }
                    finally
                    {
                        running.decrementAndGet();
                    }
                });
            }
            final GraphResult result = engine.run(builder.build(), null, null);
            assertTrue(result.passed(), () -> String.valueOf(result.lastFailure()));
            assertEquals(3, maxRunning.get());
        }
        finally
        {
            pool.shutdownNow();
        }
    }

    @Test
    void lateCompletionOfAnAbandonedActionIsIgnoredByTheNextAttempt() throws Exception
    {
        final GraphEngine engine = new GraphEngine(new GraphEngineContext()
            .actionTimeoutNs(TimeUnit.MILLISECONDS.toNanos(50))
            .interruptGraceNs(TimeUnit.MILLISECONDS.toNanos(20)));
        final CountDownLatch letGo = new CountDownLatch(1);
        final CountDownLatch stubbornReturned = new CountDownLatch(1);
        final AntecedenceGraph<Void> first = AntecedenceGraph.<Void>builder("first")
            .add("a", s -> { })
            .add("stubborn", s ->
            {
                try
                {
                    while (!letGo.await(10, TimeUnit.SECONDS))
                    {
                        // waits for the test, not for the engine
                    }
                }
                catch (final InterruptedException ignored)
                {
                    letGo.await(10, TimeUnit.SECONDS); // ignores the interrupt, as a badly behaved action may
                }
                finally
                {
                    stubbornReturned.countDown();
                }
            }, "a")
            .build();
        // a smaller graph: the abandoned action's late completion names a node it does not have
        final AntecedenceGraph<Void> second = AntecedenceGraph.<Void>builder("second")
            .add("only", s ->
            {
                letGo.countDown();
                assertTrue(stubbornReturned.await(10, TimeUnit.SECONDS));
            }, 10, TimeUnit.SECONDS)
            .build();
        final List<GraphFailure> failures = new ArrayList<>();

        final GraphResult result = engine.run(first, null, (failure, state) ->
        {
            failures.add(failure);
            return second;
        });

        assertTrue(result.passed(), () -> String.valueOf(result.lastFailure()));
        assertEquals(List.of("stubborn"), failures.get(0).abandoned());
        engine.close();
    }

    @Test
    void anErrorHandlerThatThrowsEndsTheOperation() throws Exception
    {
        final GraphEngine engine = new GraphEngine(new GraphEngineContext());
        final IllegalStateException reconfigure = new IllegalStateException("no spare path");
        final GraphResult result = engine.run(
            AntecedenceGraph.<Void>builder("op").add("a", s -> { throw new IllegalStateException("a"); }).build(),
            null,
            (failure, state) -> { throw reconfigure; });

        assertFalse(result.passed());
        assertSame(reconfigure, result.handlerError());
        assertEquals(1, result.attempts());
        engine.close();
    }

    @Test
    void aThrowingListenerIsCountedAndDoesNotStopTheRun() throws Exception
    {
        final GraphEngine engine = new GraphEngine(new GraphEngineContext().listener(new GraphListener()
        {
            public void onPassed(final String graph, final int attempt, final String action)
            {
                throw new IllegalStateException("listener bug");
            }
        }));
        final GraphRun<Void> run = engine.start(
            AntecedenceGraph.<Void>builder("op").add("a", s -> { }).add("b", s -> { }, "a").build(), null, null);

        assertTrue(GraphEngine.drive(run).passed());
        assertEquals(2, run.progress().listenerErrors());
        engine.close();
    }
}
