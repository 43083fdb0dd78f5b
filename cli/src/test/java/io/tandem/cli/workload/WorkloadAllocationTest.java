package io.tandem.cli.workload;

import io.tandem.controller.nbd.InMemoryBlockVolume;
import io.tandem.controller.nbd.NbdServer;
import io.tandem.controller.nbd.NbdServerContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The workload's loop allocates nothing per request once warm, with or without a timeline: two runs that differ only
 * in their number of ops allocate about the same on the workload's thread (a timeline allocates once an interval).
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class WorkloadAllocationTest
{
    @TempDir
    Path dir;

    @Test
    void steadyStateAllocatesNothingPerRequest() throws Exception
    {
        assertNoAllocationPerRequest(null);
    }

    @Test
    void recordingATimelineAllocatesNothingPerRequest() throws Exception
    {
        assertNoAllocationPerRequest(dir.resolve("timeline.jsonl"));
    }

    private static void assertNoAllocationPerRequest(final Path timeline) throws Exception
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        try (InMemoryBlockVolume volume = new InMemoryBlockVolume(1 << 20);
            NbdServer server = NbdServer.launch(new NbdServerContext().port(0).volume(volume)))
        {
            final List<InetSocketAddress> target = List.of(new InetSocketAddress("127.0.0.1", server.port()));
            for (int warm = 0; warm < 3; warm++)
            {
                run(target, 20_000, timeline);
            }
            final long threadId = Thread.currentThread().getId();
            long small = Long.MAX_VALUE;
            long large = Long.MAX_VALUE;
            for (int i = 0; i < 3; i++)
            {
                long before = threads.getThreadAllocatedBytes(threadId);
                run(target, 2_000, timeline);
                small = Math.min(small, threads.getThreadAllocatedBytes(threadId) - before);
                before = threads.getThreadAllocatedBytes(threadId);
                run(target, 40_000, timeline);
                large = Math.min(large, threads.getThreadAllocatedBytes(threadId) - before);
            }
            final double perOp = (large - small) / 38_000.0;
            assertTrue(perOp < 1.0, "allocated " + perOp + " bytes per op (runs: " + small + " / " + large + " bytes)");
        }
    }

    private static void run(final List<InetSocketAddress> target, final long ops, final Path timeline)
    {
        final WorkloadReport report =
            Workload.run(new WorkloadContext().targets(target).ops(ops).seed(1).timeline(timeline));
        assertEquals(WorkloadOutcome.OK, report.outcome(), report::message);
    }
}
