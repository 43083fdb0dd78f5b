package io.tandem.controller.errors;

import io.tandem.controller.ControllerContext;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.NoOpIdleStrategy;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A controller's agent, run by Agrona's AgentRunner with the error handler a {@link ControllerContext} makes: an
 * exception every duty cycle is counted and kept once, an Error ends the thread and is a fatal fault.
 */
class AgentErrorsTest
{
    @Test
    void anExceptionEveryDutyCycleIsCountedAndKeptOnceAndIsNotFatal() throws Exception
    {
        final ControllerContext ctx = new ControllerContext().conclude();
        final CountedErrorLog errors = ctx.newErrorLog();
        final CountDownLatch enough = new CountDownLatch(1_000);
        final AgentRunner runner = new AgentRunner(NoOpIdleStrategy.INSTANCE, errors, null, new Failing(() ->
        {
            enough.countDown();
            throw new IllegalStateException("the same fault every cycle");
        }));
        AgentRunner.startOnThread(runner);
        assertTrue(enough.await(10, TimeUnit.SECONDS));
        runner.close();

        assertTrue(errors.count() >= 1_000);
        assertEquals(1, errors.distinctCount());
        assertNull(ctx.health().fault());
        assertTrue(ctx.health().mayBeat(null));
    }

    @Test
    void anErrorEndsTheAgentThreadAndIsFatalForEveryCopyOfTheContext() throws Exception
    {
        final ControllerContext template = new ControllerContext()
            .health(new ControllerHealth(FatalFaultHandler.NONE, () -> 42));
        final ControllerContext ctx = template.copy().conclude();
        final CountedErrorLog errors = ctx.newErrorLog();
        final AgentRunner runner = new AgentRunner(NoOpIdleStrategy.INSTANCE, errors, null, new Failing(() ->
        {
            throw new OutOfMemoryError("Java heap space");
        }));
        final Thread thread = AgentRunner.startOnThread(runner);
        thread.join(10_000);
        assertFalse(thread.isAlive(), "an Error ends the agent's thread");

        assertEquals(FatalFault.AGENT_ERROR, template.health().fault());
        assertFalse(ctx.health().mayBeat(null));
        assertEquals(1, errors.count());
        runner.close();
    }

    private static final class Failing implements Agent
    {
        private final Runnable cycle;

        Failing(final Runnable cycle)
        {
            this.cycle = cycle;
        }

        public int doWork()
        {
            cycle.run();
            return 1;
        }

        public String roleName()
        {
            return "failing";
        }
    }
}
