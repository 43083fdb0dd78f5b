package io.tandem.interconnect;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A secondary that starts before its primary, as the giving controller of a giveback does: it publishes acks on
 * a path only once the primary's records reach it there. Its ack publications, added at once, sent their first
 * setup frames to ports nothing listened on yet, and Aeron tries again only 100 ms later, so the new primary's
 * paths (and the writes it holds until its partner holds its generation) waited for that.
 */
@Timeout(60)
class LateSenderTest
{
    @Test
    void aReceiverPublishesAcksOnlyOnceTheSendersRecordsReachItAndEveryPathComesUp() throws Exception
    {
        try (AeronDirs dirs = new AeronDirs())
        {
            final int port = TestContexts.nextPortBase();
            try (InterconnectEndpoint secondary = InterconnectEndpoint.launchReceiver(
                TestContexts.context(dirs.base, "secondary", port, 2).recordSink(new CheckingSink(4))))
            {
                assertEquals(0, publicationLogs(secondary.aeronDirectory()),
                    "no ack publication before a primary is heard");
                try (InterconnectEndpoint primary = InterconnectEndpoint.launchSender(
                    TestContexts.context(dirs.base, "primary", port, 2)))
                {
                    OrderingUnderFireTest.awaitAllPathsUp(primary); // needs acks back on both paths
                    assertEquals(2, publicationLogs(secondary.aeronDirectory()), "one ack publication per path");
                }
            }
        }
    }

    private static long publicationLogs(final Path aeronDirectory) throws IOException
    {
        final Path publications = aeronDirectory.resolve("publications");
        if (!Files.isDirectory(publications))
        {
            return 0;
        }
        try (Stream<Path> logs = Files.list(publications))
        {
            return logs.count();
        }
    }
}
