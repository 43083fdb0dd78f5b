package io.tandem.interconnect;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Endpoints retired by a role that ended, with real Aeron drivers: stopped at once, closed a second later without
 * an error (the driver's client timeouts are shorter than that), closed at once by a new endpoint of their kind
 * that binds their ports, and by {@link RetiredEndpoints#close()}.
 */
@Timeout(60)
class RetiredEndpointsTest
{
    @Test
    void aRetiredEndpointIsClosedAfterTheDelayWithoutAnError() throws Exception
    {
        final List<Throwable> errors = new CopyOnWriteArrayList<>();
        try (AeronDirs dirs = new AeronDirs(); RetiredEndpoints retired = new RetiredEndpoints())
        {
            final InterconnectEndpoint sender = InterconnectEndpoint.launchSender(
                TestContexts.context(dirs.base, "sender", TestContexts.nextPortBase(), 2)
                .retiredEndpoints(retired).errorHandler(errors::add));
            final Path dir = sender.aeronDirectory();
            final long retiredNs = System.nanoTime();
            retired.retire(sender);
            assertTrue(Files.exists(dir), "not closed at once");
            assertEquals(1, retired.pending());
            while (Files.exists(dir))
            {
                Thread.sleep(10); // the closing thread runs on the wall clock
            }
            assertTrue(System.nanoTime() - retiredNs >= retired.closeDelayMs() * 1_000_000,
                "closed no sooner than the delay");
            assertEquals(0, retired.pending());
            assertEquals(List.of(), errors, "closing after the delay reports nothing");
        }
    }

    @Test
    void aNewEndpointClosesTheRetiredOnesOfItsKindFirstAndBindsTheirPorts() throws Exception
    {
        try (AeronDirs dirs = new AeronDirs(); RetiredEndpoints retired = new RetiredEndpoints(60_000))
        {
            final int ports = TestContexts.nextPortBase();
            final InterconnectEndpoint oldSender = InterconnectEndpoint.launchSender(
                TestContexts.context(dirs.base, "old-sender", ports, 2).retiredEndpoints(retired));
            final InterconnectEndpoint receiver = InterconnectEndpoint.launchReceiver(
                TestContexts.context(dirs.base, "receiver", ports, 2).retiredEndpoints(retired)
                .recordSink(new CheckingSink(4)));
            retired.retire(oldSender);
            retired.retire(receiver);
            assertEquals(2, retired.pending());

            try (InterconnectEndpoint newSender = InterconnectEndpoint.launchSender(
                TestContexts.context(dirs.base, "new-sender", ports, 2).retiredEndpoints(retired)))
            {
                assertNotNull(newSender.sender(), "binds the ack ports the old sender held");
                assertFalse(Files.exists(oldSender.aeronDirectory()), "the old sender was closed first");
                assertTrue(Files.exists(receiver.aeronDirectory()), "a receiver binds other ports: it waits");
                assertEquals(1, retired.pending());
            }
            retired.close();
            assertFalse(Files.exists(receiver.aeronDirectory()), "closing closes what waits");
            assertEquals(0, retired.pending());
        }
    }
}
