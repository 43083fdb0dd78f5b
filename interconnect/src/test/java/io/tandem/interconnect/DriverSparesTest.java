package io.tandem.interconnect;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Media drivers launched ahead of need, with real Aeron drivers: the first take finds none (its endpoint launches
 * its own), then spares are launched and the next endpoints run on them, in directories of their own; a spare
 * that does not fit the endpoint is closed, not used; closing the spares and the endpoints leaves no directory.
 */
@Timeout(60)
class DriverSparesTest
{
    @Test
    void endpointsRunOnSparesLaunchedAheadAndNothingIsLeftBehind() throws Exception
    {
        try (AeronDirs dirs = new AeronDirs())
        {
            try (DriverSpares spares = new DriverSpares("test-" + ProcessHandle.current().pid(), 0))
            {
                final int portBase = TestContexts.nextPortBase();
                try (InterconnectEndpoint first = InterconnectEndpoint.launchSender(
                    TestContexts.context(dirs.base, "first", portBase, 2).driverSpares(spares)))
                {
                    assertEquals(dirs.base.resolve("first"), first.aeronDirectory(), "no spare yet: its own driver");
                }
                awaitReady(spares, 2);
                try (InterconnectEndpoint second = InterconnectEndpoint.launchSender(
                    TestContexts.context(dirs.base, "second", portBase, 2).driverSpares(spares)))
                {
                    assertTrue(second.aeronDirectory().getFileName().toString().contains("-spare-"),
                        "a spare's directory: " + second.aeronDirectory());
                    assertNotNull(second.sender());
                }
                awaitReady(spares, 2);
                // a spare launched for another threading does not fit: it is closed, and none is handed over
                assertNull(spares.take(TestContexts.context(dirs.base, "third", portBase, 2).invokedDriver(true)),
                    "an invoked endpoint is given none of the SHARED spares");
            }
            try (Stream<java.nio.file.Path> left = Files.list(dirs.base))
            {
                assertEquals(0, left.count(), "every driver's directory is deleted");
            }
        }
    }

    private static void awaitReady(final DriverSpares spares, final int count) throws InterruptedException
    {
        while (spares.ready() < count)
        {
            Thread.sleep(5); // another thread launches them: there is no clock to step
        }
    }
}
