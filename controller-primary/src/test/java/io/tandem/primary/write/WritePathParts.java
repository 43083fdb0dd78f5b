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

import java.io.IOException;
import java.nio.file.Path;

/**
 * What a {@link WritePath} under test stands on: a small pool, an NVLog stepped by its invoker, a page cache,
 * senders with no path, and a clock the test steps.
 */
final class WritePathParts implements AutoCloseable
{
    static final int PAGE = 4096;

    final FileBlockDevice pool;
    final NvLog log;
    final PageCache cache;
    long nowNs = 1_000_000_000L;

    WritePathParts(final Path dir) throws IOException
    {
        pool = FileBlockDevice.open(dir.resolve("pool.img"), PAGE, 64, true);
        log = NvLog.open(new NvLogContext().maxPayloadLength(PAGE)
            .nvram(new NvramContext().file(dir.resolve("nvram.dev")).capacity(64 * 1024).blockSize(512)
                .regionSize(4096).useAgentInvoker(true).nanoClock(() -> nowNs)));
        cache = new PageCache(new PageCacheContext().device(pool).capacity(16L * PAGE));
    }

    int streams()
    {
        return log.partitioner().streamCount();
    }

    /**
     * @return a sender of {@code epoch} whose one path never connects.
     */
    MirrorSender sender(final long epoch)
    {
        final InterconnectContext ctx = new InterconnectContext().endpointName("test").pathCount(1)
            .streamCount(streams()).epoch(epoch).nanoClock(() -> nowNs).conclude();
        return new MirrorSender(ctx, new NoPathTransport(), InterconnectCounters.inManager(
            new CountersManager(new UnsafeBuffer(BufferUtil.allocateDirectAligned(
                CountersManager.METADATA_LENGTH * 256, 64)), new UnsafeBuffer(BufferUtil.allocateDirectAligned(
                CountersManager.COUNTER_LENGTH * 256, 64))), InterconnectCounters.ROLE_SENDER, "p", 1, streams()));
    }

    /**
     * One duty cycle of the write path and the log's flusher, then 1 ms on the clock.
     */
    void step(final WritePath writePath)
    {
        log.device().invoker().invoke();
        writePath.doWork(nowNs);
        log.device().invoker().invoke();
        nowNs += 1_000_000;
    }

    public void close()
    {
        CloseHelper.closeAll(cache, log, pool);
    }
}
