package io.tandem.interconnect;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Matching contexts for a sender and a receiver on fresh ports, so tests never meet each other's frames.
 */
final class TestContexts
{
    private static final AtomicInteger NEXT_PORT =
        new AtomicInteger(26000 + (int)(ProcessHandle.current().pid() % 80) * 200);

    private TestContexts()
    {
    }

    /**
     * @return a data port base; the ack ports start 20 above it.
     */
    static int nextPortBase()
    {
        return NEXT_PORT.getAndAdd(40);
    }

    static InterconnectContext context(final Path base, final String name, final int portBase, final int paths)
    {
        return new InterconnectContext()
            .directory(base)
            .endpointName(name)
            .pathCount(paths)
            .dataPortBase(portBase)
            .ackPortBase(portBase + 20)
            .streamCount(4)
            .termLength(4 * 1024 * 1024)
            .windowBytes(256 * 1024)
            .windowRecords(64)
            .maxRecordLength(8 * 1024);
    }
}
