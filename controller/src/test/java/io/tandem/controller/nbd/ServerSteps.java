package io.tandem.controller.nbd;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Steps a server run in invoker mode from a test's thread, the clock standing still unless the test moves it.
 */
final class ServerSteps
{
    private ServerSteps()
    {
    }

    /**
     * Steps for 20 ms of real time: loopback delivers within microseconds, so whatever a client sent has arrived.
     */
    static void stepFor20Ms(final NbdServer server)
    {
        final long endNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
        while (System.nanoTime() < endNs)
        {
            server.invoker().invoke();
        }
    }

    /**
     * Steps until {@code condition} holds; fails the test after 10 s of real time.
     */
    static void stepUntil(final NbdServer server, final BooleanSupplier condition)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean())
        {
            assertFalse(System.nanoTime() > deadlineNs, "condition not met in time");
            server.invoker().invoke();
        }
    }
}
