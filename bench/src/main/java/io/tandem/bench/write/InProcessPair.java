package io.tandem.bench.write;

import io.tandem.interconnect.InterconnectContext;
import io.tandem.interconnect.MirrorReceiver;
import io.tandem.interconnect.MirrorSender;
import io.tandem.interconnect.status.InterconnectCounters;
import io.tandem.nvlog.LogRecord;
import io.tandem.nvlog.NvLog;
import io.tandem.nvlog.NvLogContext;
import io.tandem.primary.cache.PageCache;
import io.tandem.primary.cache.PageCacheContext;
import io.tandem.primary.write.WritePath;
import io.tandem.primary.write.WriteStatus;
import io.tandem.secondary.MirrorStore;
import io.tandem.staging.Durability;
import io.tandem.staging.NvramContext;
import io.tandem.staging.block.FileBlockDevice;
import org.agrona.BufferUtil;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Both roles' write path in one thread: the primary's {@link WritePath} (page cache, NVLog, {@link MirrorSender})
 * and the secondary's {@link MirrorReceiver} and {@link MirrorStore} (its own NVLog), joined by in-memory paths
 * ({@link RingPathTransport}), each NVRAM flusher stepped by its invoker. {@link #step()} runs one duty cycle of
 * each end, so what a benchmark of it measures is the CPU the pair spends per write, everything a mirrored write
 * costs but the sockets. A full NVLog half is released at once on both ends, standing in for a consistency
 * point that costs nothing; the cache holds the whole volume, so nothing is ever evicted.
 * <p>
 * Mirrored, a write completes once it is durable in both NVLogs; unmirrored, once it is durable in the
 * primary's (the same write path acknowledging alone, as after a takeover).
 * <p>
 * Not thread-safe: one thread.
 */
final class InProcessPair implements AutoCloseable
{
    static final int PAGE = 4096;
    private static final long EPOCH = 1;

    private final FileBlockDevice pool;
    private final NvLog primaryLog;
    private final NvLog secondaryLog;
    private final PageCache cache;
    private final MirrorSender sender;
    private final MirrorReceiver receiver;
    private final MirrorStore store;
    private final WritePath writePath;
    private final boolean mirrored;
    private long nowNs = System.nanoTime();
    private long completed;
    private long failed;

    InProcessPair(
        final Path dir,
        final long volumeBytes,
        final long nvramBytes,
        final int pathCount,
        final Durability durability,
        final boolean mirrored) throws IOException
    {
        this.mirrored = mirrored;
        final int stripeSize = NvLogContext.STRIPE_SIZE_DEFAULT;
        pool = FileBlockDevice.open(dir.resolve("pool.img"), PAGE, volumeBytes / PAGE, true);
        primaryLog = NvLog.open(logContext(dir.resolve("primary-nvram.dev"), nvramBytes, durability));
        secondaryLog = NvLog.open(logContext(dir.resolve("secondary-nvram.dev"), nvramBytes, durability));
        cache = new PageCache(new PageCacheContext().device(pool).capacity(volumeBytes));
        final int streams = primaryLog.partitioner().streamCount();
        final RingPathTransport paths = new RingPathTransport(pathCount, 8 << 20);
        final int maxRecordLength = Math.max(InterconnectContext.MAX_RECORD_LENGTH_DEFAULT,
            LogRecord.alignedLength(stripeSize));

        sender = new MirrorSender(interconnect("bench-primary", pathCount, streams, maxRecordLength).conclude(),
            paths.primary, counters(InterconnectCounters.ROLE_SENDER, "primary", pathCount, streams));
        store = new MirrorStore(secondaryLog, secondaryLog.device().maxPendingWrites());
        receiver = new MirrorReceiver(interconnect("bench-secondary", pathCount, streams, maxRecordLength)
            .recordSink(store).conclude(), paths.secondary,
            counters(InterconnectCounters.ROLE_RECEIVER, "secondary", pathCount, streams));
        store.receiver(receiver);

        writePath = new WritePath(primaryLog, sender, cache, why -> {}, () -> nowNs, 64 * 128 + 64, EPOCH, 1,
            (token, status, context) ->
            {
                if (WriteStatus.OK == status)
                {
                    completed++;
                }
                else
                {
                    failed++;
                }
            });
        if (mirrored)
        {
            writePath.hold(true);
            writePath.startGeneration(EPOCH);
            for (int i = 0; i < 100_000 && !writePath.generationAcknowledged(); i++)
            {
                step();
            }
            if (!writePath.generationAcknowledged())
            {
                throw new IllegalStateException("the secondary never acknowledged the mirror generation");
            }
            writePath.hold(false);
        }
        else
        {
            writePath.runWithoutMirror(EPOCH);
        }
    }

    /**
     * Submits a write of {@code src}'s remaining bytes at {@code offset}; it completes in a later {@link #step()}.
     */
    void write(final long token, final long offset, final ByteBuffer src)
    {
        writePath.write(token, offset, src, null);
    }

    /**
     * One duty cycle of each end, and the costless consistency point when a log half is full.
     *
     * @return the work done.
     */
    int step()
    {
        nowNs = System.nanoTime();
        int work = primaryLog.device().invoker().invoke();
        work += writePath.doWork(nowNs);
        if (mirrored)
        {
            work += sender.doWork();
            work += receiver.doWork();
            work += secondaryLog.device().invoker().invoke();
            work += store.doWork();
            // no CPs here: a sealed half goes at once (back-pressured: the next step tries again)
            secondaryLog.releaseUpTo(Long.MAX_VALUE);
        }
        work += primaryLog.device().invoker().invoke();
        primaryLog.releaseUpTo(Long.MAX_VALUE);
        return work;
    }

    long completed()
    {
        return completed;
    }

    long failed()
    {
        return failed;
    }

    /**
     * @return records the secondary stored in its NVLog (none unmirrored).
     */
    long recordsMirrored()
    {
        return store.recordsStored();
    }

    public void close()
    {
        CloseHelper.closeAll(cache, primaryLog, secondaryLog, pool);
    }

    private static NvLogContext logContext(final Path file, final long capacity, final Durability durability)
    {
        return new NvLogContext().maxPayloadLength(NvLogContext.MAX_PAYLOAD_LENGTH_DEFAULT)
            .nvram(new NvramContext().file(file).capacity(capacity).durability(durability).useAgentInvoker(true));
    }

    private InterconnectContext interconnect(
        final String name, final int pathCount, final int streams, final int maxRecordLength)
    {
        return new InterconnectContext().endpointName(name).pathCount(pathCount).streamCount(streams).epoch(EPOCH)
            .maxRecordLength(maxRecordLength).nanoClock(() -> nowNs);
    }

    private static InterconnectCounters counters(
        final int role, final String name, final int pathCount, final int streams)
    {
        return InterconnectCounters.inManager(new CountersManager(
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(CountersManager.METADATA_LENGTH * 512, 64)),
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(CountersManager.COUNTER_LENGTH * 512, 64))),
            role, name, pathCount, streams);
    }
}
