package io.tandem.primary.write;

import io.tandem.interconnect.InterconnectContext;
import io.tandem.interconnect.MirrorSender;
import io.tandem.interconnect.status.InterconnectCounters;
import io.tandem.primary.NoPathTransport;
import io.tandem.nvlog.NvLog;
import io.tandem.nvlog.NvLogContext;
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

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A resync's new mirror session opens its generation with one GENERATION_START per stream, sent ahead of every
 * queued write. The simulator's seed 21 (before the fix): a write logged but not yet mirrored when the session
 * changed was numbered first in the new session, the marker of its stream second, and the sender refused the
 * marker (expects 1, got 2) on every duty cycle, so the primary never left SYNCING.
 */
class GenerationStartOrderTest
{
    private static final int PAGE = 4096;

    @TempDir
    Path dir;

    private long nowNs = 1_000_000_000L;

    @Test
    void aWriteLoggedBeforeTheSessionChangedGoesOutAfterItsStreamsGenerationStart() throws Exception
    {
        final FileBlockDevice pool = FileBlockDevice.open(dir.resolve("pool.img"), PAGE, 64, true);
        final NvLog log = NvLog.open(new NvLogContext().maxPayloadLength(PAGE)
            .nvram(new NvramContext().file(dir.resolve("nvram.dev")).capacity(64 * 1024).blockSize(512)
                .regionSize(4096).useAgentInvoker(true).nanoClock(() -> nowNs)));
        final PageCache cache = new PageCache(new PageCacheContext().device(pool).capacity(16L * PAGE));
        try
        {
            final int streams = log.partitioner().streamCount();
            final WritePath writePath = new WritePath(log, sender(streams, 1), cache, why -> {}, () -> nowNs, 16, 1,
                1, (token, status, context) -> {});
            // a write is logged, and cannot be mirrored: no path
            writePath.write(1, 0, ByteBuffer.wrap(new byte[PAGE]), null);
            for (int i = 0; i < 10; i++)
            {
                step(log, writePath);
            }
            assertEquals("no interconnect path", writePath.stalledOn());

            // the resync: a new session, then its generation
            writePath.hold(true);
            final MirrorSender session = sender(streams, 2);
            writePath.mirrorTo(session, 2);
            writePath.startGeneration(2);
            for (int i = 0; i < 10; i++)
            {
                step(log, writePath); // threw IllegalArgumentException: stream s expects sequence 1, got 2
            }
            assertEquals("no interconnect path", writePath.stalledOn(), "waiting for a path, not refused");
        }
        finally
        {
            CloseHelper.closeAll(cache, log, pool);
        }
    }

    private void step(final NvLog log, final WritePath writePath)
    {
        log.device().invoker().invoke();
        writePath.doWork(nowNs);
        log.device().invoker().invoke();
        nowNs += 1_000_000;
    }

    private MirrorSender sender(final int streams, final long epoch)
    {
        final InterconnectContext ctx = new InterconnectContext().endpointName("test").pathCount(1)
            .streamCount(streams).epoch(epoch).nanoClock(() -> nowNs).conclude();
        return new MirrorSender(ctx, new NoPathTransport(), InterconnectCounters.inManager(
            new CountersManager(new UnsafeBuffer(BufferUtil.allocateDirectAligned(
                CountersManager.METADATA_LENGTH * 256, 64)), new UnsafeBuffer(BufferUtil.allocateDirectAligned(
                CountersManager.COUNTER_LENGTH * 256, 64))), InterconnectCounters.ROLE_SENDER, "p", 1, streams));
    }
}
