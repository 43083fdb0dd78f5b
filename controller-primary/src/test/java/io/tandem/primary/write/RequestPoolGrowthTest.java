package io.tandem.primary.write;

import io.tandem.interconnect.InterconnectContext;
import io.tandem.interconnect.MirrorSender;
import io.tandem.interconnect.status.InterconnectCounters;
import io.tandem.nvlog.NvLog;
import io.tandem.nvlog.NvLogContext;
import io.tandem.primary.NoPathTransport;
import io.tandem.primary.cache.PageCache;
import io.tandem.primary.cache.PageCacheContext;
import io.tandem.staging.NvramContext;
import io.tandem.staging.block.FileBlockDevice;
import org.agrona.BufferUtil;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The write path makes only {@link WritePath#PREALLOCATED_REQUESTS} requests at its start (making every one of its
 * bound cost a fresh JVM's giveback 11-33 ms) and the rest as concurrency first needs them: every write up to the
 * bound is taken, the one past it refused.
 */
class RequestPoolGrowthTest
{
    private static final int PAGE = 4096;

    @TempDir
    Path dir;

    private long nowNs = 1_000_000_000L;

    @Test
    void requestsPastThePreallocatedOnesAreMadeUpToTheBoundAndNoFurther() throws Exception
    {
        final FileBlockDevice pool = FileBlockDevice.open(dir.resolve("pool.img"), PAGE, 64, true);
        final NvLog log = NvLog.open(new NvLogContext().maxPayloadLength(PAGE)
            .nvram(new NvramContext().file(dir.resolve("nvram.dev")).capacity(64 * 1024).blockSize(512)
                .regionSize(4096).useAgentInvoker(true).nanoClock(() -> nowNs)));
        final PageCache cache = new PageCache(new PageCacheContext().device(pool).capacity(16L * PAGE));
        final Map<WriteStatus, Integer> completed = new EnumMap<>(WriteStatus.class);
        try
        {
            final int streams = log.partitioner().streamCount();
            final int maxRequests = 600; // a bound of 1024 requests, past the 256 made at the start
            final WritePath writePath = new WritePath(log, sender(streams), cache, why -> {}, () -> nowNs,
                maxRequests, 1, 1, (token, status, context) -> completed.merge(status, 1, Integer::sum));
            writePath.hold(true); // nothing leaves the queue: every write keeps its request
            final int bound = Integer.highestOneBit(maxRequests * 2 - 1);
            assertTrue(bound > WritePath.PREALLOCATED_REQUESTS);
            for (int i = 0; i < bound; i++)
            {
                writePath.write(i, 0, ByteBuffer.wrap(new byte[PAGE]), null);
            }
            assertEquals(Map.of(), completed, "every write up to the bound was taken");
            assertEquals(bound, writePath.pendingCount());

            writePath.write(bound, 0, ByteBuffer.wrap(new byte[PAGE]), null);
            assertEquals(1, completed.size(), "one past the bound is refused: " + completed);
            assertEquals(bound, writePath.pendingCount());
        }
        finally
        {
            CloseHelper.closeAll(cache, log, pool);
        }
    }

    private MirrorSender sender(final int streams)
    {
        final InterconnectContext ctx = new InterconnectContext().endpointName("test").pathCount(1)
            .streamCount(streams).epoch(1).nanoClock(() -> nowNs).conclude();
        return new MirrorSender(ctx, new NoPathTransport(), InterconnectCounters.inManager(
            new CountersManager(new UnsafeBuffer(BufferUtil.allocateDirectAligned(
                CountersManager.METADATA_LENGTH * 256, 64)), new UnsafeBuffer(BufferUtil.allocateDirectAligned(
                CountersManager.COUNTER_LENGTH * 256, 64))), InterconnectCounters.ROLE_SENDER, "p", 1, streams));
    }
}
