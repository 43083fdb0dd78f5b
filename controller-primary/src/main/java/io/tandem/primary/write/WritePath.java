package io.tandem.primary.write;

import io.tandem.controller.pool.AllocationMap;
import io.tandem.interconnect.MirrorSender;
import io.tandem.nvlog.LogRecord;
import io.tandem.nvlog.NvLog;
import io.tandem.nvlog.StreamPartitioner;
import io.tandem.primary.cache.ConsistencyPoint;
import io.tandem.primary.cache.PageCache;
import io.tandem.controller.metrics.IoLatency;
import io.tandem.controller.metrics.IoOp;
import io.tandem.controller.pool.EpochLease;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * The primary's write path (see docs/ARCHITECTURE.md, "The write path"). It speaks in its own terms: requests
 * come with a token and an opaque context and end with a {@link WriteStatus} told to its {@link WriteCompletion};
 * the front end that serves the volume ({@code MirroredVolume} for NBD) translates.
 * <p>
 * A write is cut at stripe boundaries. Each piece, in arrival order, gets the next LSN and the next sequence of
 * its stream, is applied to the write cache, appended to the local NVLog, and offered to the mirror, which sends
 * it to the partner on the path that carries its stream. A write completes only when every piece is durable in
 * the local NVLog and acknowledged by the partner as durable in its own: an acknowledged write survives the
 * death of either controller. Without the mirror (the pool records it stale) a write completes once durable
 * locally, and only while the epoch lease holds.
 * <p>
 * Pieces go through strictly in order, one request after the other, so a stream's sequences are offered in
 * order. When a step cannot be taken now (the cache has no free page, both log halves are in use, the log
 * device's queue or the stream's mirror window is full, or no interconnect path is up) the write path stops
 * there and resumes on a later duty cycle; for the first two it asks for a consistency point. With no path up,
 * writes wait until one returns (policy {@code suspend}). While consistency points fail because the pool is full
 * ({@link #poolFull(boolean)}), a write that has waited {@link #noSpaceWaitNs(long)} since it was submitted for a
 * full cache or log ends {@link WriteStatus#NO_SPACE} instead, at a piece boundary, so nothing it did needs
 * undoing (the pieces before are logged and mirrored as usual; their content is a failed write's). Reads are
 * served from the cache, which holds every applied write, and the pool. A flush needs nothing more: a write is
 * only completed once it is durable on both controllers.
 * <p>
 * Not thread-safe: requests and {@link #doWork(long)} come on the controller's one agent thread. No allocation
 * per request in steady state.
 */
public final class WritePath
{
    /** Requests made at the start; the pool grows past them only when more are in flight at once. */
    static final int PREALLOCATED_REQUESTS = 256;

    private static final int MARKER_DONE = 0;
    private static final int MARKER_TO_LOG = 1;
    private static final int MARKER_TO_MIRROR = 2;

    private final NvLog log;
    private MirrorSender sender;
    private final PageCache cache;
    private final StreamPartitioner partitioner;
    private final CheckpointTrigger checkpointTrigger;
    private final NanoClock clock;
    private final int volumeId;
    private final long volumeSize;
    private final WriteRequest[] pool;
    private int poolSize;
    private int requestsMade;
    private final WriteRequest[] pending;
    private final int pendingMask;
    private long pendingHead;
    private long pendingTail;
    private final WriteRequest[] inFlight;
    private int inFlightCount;
    private final long[] nextSequence;
    private final UnsafeBuffer payload = new UnsafeBuffer(0, 0);
    private final Histogram writeLatencyUs = new Histogram(60_000_000L, 3);
    private long epoch;
    private boolean mirrored = true;
    private boolean held;
    private long nextLsn;
    private WriteStatus refusal;
    private final WriteCompletion completion;
    private long writesCompleted;
    private long bytesWritten;
    private long readsCompleted;
    private long stalls;
    private String stalledOn = "";
    private final int[] markerStage;
    private final long[] markerSequence;
    private final long[] markerAddress;
    private final int[] markerLength;
    private int markersPending;
    private long generation;
    private EpochLease lease;
    private boolean poolFull;
    private long noSpaceWaitNs = 5_000_000_000L;
    private long writesFailedNoSpace;
    /** Where request latency by operation goes for the metrics; null for nowhere. */
    private IoLatency latency;

    /**
     * @param maxRequests the most requests in flight at once: the NBD server's connections times requests per
     *                    connection, plus room for consistency point markers.
     * @param firstLsn    the LSN the first piece gets: above every LSN in the pool and the logs.
     * @param completion  told when each request ends.
     */
    public WritePath(
        final NvLog log,
        final MirrorSender sender,
        final PageCache cache,
        final CheckpointTrigger checkpointTrigger,
        final NanoClock clock,
        final int maxRequests,
        final long epoch,
        final long firstLsn,
        final WriteCompletion completion)
    {
        this.log = log;
        this.completion = completion;
        this.sender = sender;
        this.cache = cache;
        this.partitioner = log.partitioner();
        this.checkpointTrigger = checkpointTrigger;
        this.clock = clock;
        this.volumeId = 0;
        this.volumeSize = cache.volumeSize();
        this.epoch = epoch;
        this.nextLsn = firstLsn;
        final int streams = partitioner.streamCount();
        this.nextSequence = new long[streams];
        this.markerStage = new int[streams];
        this.markerSequence = new long[streams];
        this.markerAddress = new long[streams];
        this.markerLength = new int[streams];
        for (int stream = 0; stream < streams; stream++)
        {
            nextSequence[stream] = sender.nextSequence(stream);
        }
        final int capacity = Integer.highestOneBit(Math.max(2, maxRequests) * 2 - 1);
        this.pool = new WriteRequest[capacity];
        // the rest are made as concurrency first rises: making all 16k at the start cost a fresh JVM's primary
        // 11-33 ms of interpreted loop on a giveback's path, for requests few workloads ever have in flight
        for (int i = 0, preallocated = Math.min(capacity, PREALLOCATED_REQUESTS); i < preallocated; i++)
        {
            pool[poolSize++] = new WriteRequest(streams);
        }
        this.requestsMade = poolSize;
        this.pending = new WriteRequest[capacity];
        this.pendingMask = capacity - 1;
        this.inFlight = new WriteRequest[capacity];
    }

    public long size()
    {
        return volumeSize;
    }

    public int pageSize()
    {
        return cache.pageSize();
    }

    /**
     * Reads from the cache, which holds every applied write, and the pool; completes at once.
     */
    public void read(final long token, final long offset, final ByteBuffer dst, final Object context)
    {
        if (null != refusal)
        {
            completion.complete(token, refusal, context);
            return;
        }
        try
        {
            final long startNs = null == latency ? 0 : clock.nanoTime();
            cache.read(offset, dst);
            readsCompleted++;
            if (null != latency)
            {
                latency.record(IoOp.READ, clock.nanoTime() - startNs);
            }
            completion.complete(token, WriteStatus.OK, context);
        }
        catch (final IOException | UncheckedIOException ex)
        {
            completion.complete(token, WriteStatus.IO_ERROR, context);
        }
    }

    /**
     * @return the volume's allocation map as the cache keeps it: every write applied so far is in it, as a read
     * returns them.
     */
    public AllocationMap allocationMap()
    {
        return cache.allocationMap();
    }

    /**
     * @return what every request ends with since {@link #refuse(WriteStatus)}, or null while serving.
     */
    public WriteStatus refusal()
    {
        return refusal;
    }

    /**
     * Queues a write of {@code src}'s remaining bytes at {@code offset}; it completes once durable on both
     * controllers.
     */
    public void write(final long token, final long offset, final ByteBuffer src, final Object context)
    {
        enqueue(WriteRequest.KIND_WRITE, token, offset, src.remaining(), src, context);
    }

    /**
     * Queues zeroing {@code length} bytes at {@code offset}, logged without carrying the zeros; whole blocks are
     * only marked in the allocation map, as holes if {@code hole}, else as zeroes kept allocated.
     */
    public void writeZeroes(
        final long token, final long offset, final long length, final boolean hole, final Object context)
    {
        enqueue(hole ? WriteRequest.KIND_HOLE : WriteRequest.KIND_ZERO, token, offset, length, null, context);
    }

    /**
     * Queues a trim of {@code length} bytes at {@code offset}: the whole blocks of the range become holes, which
     * read as zeroes (the protocol lets trimmed bytes read as anything until written again); the bytes of blocks
     * it covers in part stay as they are. Logged and mirrored as a zeroing, so a takeover ends with the same map.
     * A range with no whole block completes at once.
     */
    public void trim(final long token, final long offset, final long length, final Object context)
    {
        final long blockMask = cache.pageSize() - 1;
        final long start = (offset + blockMask) & ~blockMask;
        final long end = (offset + length) & ~blockMask;
        if (end <= start)
        {
            completeAtOnce(IoOp.TRIM, token, context);
            return;
        }
        final WriteRequest queued = enqueue(WriteRequest.KIND_HOLE, token, start, end - start, null, context);
        if (null != queued)
        {
            queued.trim = true; // a hole like any zeroing's, timed as a trim
        }
    }

    /**
     * Completes at once: every write completed so far is durable on both controllers already.
     */
    public void flush(final long token, final Object context)
    {
        completeAtOnce(IoOp.FLUSH, token, context);
    }

    private void completeAtOnce(final IoOp op, final long token, final Object context)
    {
        if (null != latency && null == refusal)
        {
            latency.record(op, 0);
        }
        completion.complete(token, null != refusal ? refusal : WriteStatus.OK, context);
    }

    /**
     * Records each request's latency, from its submit to its completion, by operation into {@code latency}.
     */
    public void latency(final IoLatency latency)
    {
        this.latency = latency;
    }

    /**
     * Queues a consistency point marker for the local NVLog, in order with the writes.
     */
    public void submitCheckpointMarker(final long cpLsn)
    {
        final WriteRequest request = take();
        if (null == request)
        {
            return; // the next CP sends a newer marker; the partner just holds its log a little longer
        }
        request.reset(WriteRequest.KIND_CP_MARKER, 0, 0, 0, null, null, clock.nanoTime());
        request.pieceLsn = cpLsn;
        pending[(int)(pendingTail++ & pendingMask)] = request;
    }

    /**
     * @return the request queued, or null if it was completed at once (refused, or no request left).
     */
    private WriteRequest enqueue(
        final int kind,
        final long token,
        final long offset,
        final long length,
        final ByteBuffer src,
        final Object context)
    {
        if (null != refusal)
        {
            completion.complete(token, refusal, context);
            return null;
        }
        final WriteRequest request = take();
        if (null == request)
        {
            completion.complete(token, WriteStatus.IO_ERROR, context);
            return null;
        }
        request.reset(kind, token, offset, length, src, context, clock.nanoTime());
        pending[(int)(pendingTail++ & pendingMask)] = request;
        return request;
    }

    private WriteRequest take()
    {
        if (0 != poolSize)
        {
            return pool[--poolSize];
        }
        if (requestsMade < pool.length)
        {
            requestsMade++; // more in flight than ever before: the pool grows once to that, up to its bound
            return new WriteRequest(nextSequence.length);
        }
        return null;
    }

    private void recycle(final WriteRequest request)
    {
        request.clear();
        pool[poolSize++] = request;
    }

    /**
     * Moves queued pieces through cache, log and mirror, and completes the writes that became durable on both
     * controllers.
     *
     * @return the work done.
     */
    public int doWork(final long nowNs)
    {
        int work = 0 == markersPending ? 0 : sendGenerationStarts();
        while (!held && 0 == markersPending && pendingHead < pendingTail)
        {
            final WriteRequest request = pending[(int)(pendingHead & pendingMask)];
            final int advanced = advance(request);
            if (advanced < 0)
            {
                stalls++;
                if (!failedForNoSpace(request, nowNs))
                {
                    break;
                }
                pending[(int)(pendingHead++ & pendingMask)] = null;
                recycle(request);
                work++;
                continue;
            }
            work += advanced;
            pending[(int)(pendingHead++ & pendingMask)] = null;
            if (WriteRequest.KIND_CP_MARKER == request.kind)
            {
                recycle(request);
            }
            else
            {
                inFlight[inFlightCount++] = request;
            }
        }
        return work + completeDurable(nowNs);
    }

    /**
     * Fails a write stuck at a piece boundary on a full cache or log (the only stalls before a piece is applied)
     * once it has waited long enough while the pool is full.
     *
     * @return true if it was completed with ENOSPC: the caller drops it from the queue.
     */
    private boolean failedForNoSpace(final WriteRequest request, final long nowNs)
    {
        if (!poolFull || WriteRequest.KIND_CP_MARKER == request.kind || WriteRequest.STAGE_NEW != request.stage ||
            nowNs - request.submittedNs < noSpaceWaitNs)
        {
            return false;
        }
        writesFailedNoSpace++;
        completion.complete(request.token, WriteStatus.NO_SPACE, request.context);
        return true;
    }

    /**
     * @return the pieces advanced, or -1 if the request is stuck on a step that cannot be taken now.
     */
    private int advance(final WriteRequest request)
    {
        if (WriteRequest.KIND_CP_MARKER == request.kind)
        {
            return advanceMarker(request);
        }
        int pieces = 0;
        while (request.cursor < request.end())
        {
            final long at = request.cursor;
            final int length = partitioner.pieceLength(at, request.end() - at);
            final int stream = partitioner.streamOf(volumeId, at);
            if (WriteRequest.STAGE_NEW == request.stage && !apply(request, at, length, stream))
            {
                return -1;
            }
            if (WriteRequest.STAGE_APPLIED == request.stage && !append(request, at, length, stream))
            {
                return -1;
            }
            if (mirrored)
            {
                if (!offer(request, stream))
                {
                    return -1;
                }
                request.maxSequence[stream] = request.pieceSequence;
            }
            request.stage = WriteRequest.STAGE_NEW;
            request.cursor = at + length;
            pieces++;
        }
        return pieces;
    }

    private boolean apply(final WriteRequest request, final long at, final int length, final int stream)
    {
        if (!log.hasRoomFor(WriteRequest.KIND_WRITE == request.kind ? length : NvLog.ZERO_PAYLOAD_LENGTH))
        {
            // wait before applying: a piece in the cache but not in the log could not be failed cleanly
            stalledOn = "log full";
            checkpointTrigger.requestCheckpoint(ConsistencyPoint.Reason.LOG_HALF_FULL);
            return false;
        }
        final long lsn = nextLsn;
        final int result;
        try
        {
            if (WriteRequest.KIND_WRITE == request.kind)
            {
                final ByteBuffer src = request.src;
                final int position = (int)(at - request.offset);
                src.limit(position + length).position(position);
                result = cache.write(at, src, lsn);
            }
            else
            {
                result = cache.writeZeroes(at, length, lsn, WriteRequest.KIND_HOLE == request.kind);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot load a page for a partial write at " + at, ex);
        }
        if (PageCache.OK != result)
        {
            stalledOn = "cache full";
            checkpointTrigger.requestCheckpoint(ConsistencyPoint.Reason.CACHE_FULL);
            return false;
        }
        nextLsn = lsn + 1;
        request.pieceLsn = lsn;
        request.pieceSequence = mirrored ? nextSequence[stream]++ : 0;
        request.stage = WriteRequest.STAGE_APPLIED;
        return true;
    }

    private boolean append(final WriteRequest request, final long at, final int length, final int stream)
    {
        final long ticket;
        if (WriteRequest.KIND_WRITE == request.kind)
        {
            final ByteBuffer src = request.src;
            payload.wrap(src, (int)(at - request.offset), length);
            ticket = log.appendWrite(
                stream, request.pieceSequence, request.pieceLsn, epoch, volumeId, at, payload, 0, length);
        }
        else
        {
            ticket = log.appendZero(stream, request.pieceSequence, request.pieceLsn, epoch, volumeId, at, length,
                WriteRequest.KIND_HOLE == request.kind ? LogRecord.FLAG_HOLE : 0);
        }
        return logged(request, ticket);
    }

    private boolean logged(final WriteRequest request, final long ticket)
    {
        if (ticket < 0)
        {
            if (NvLog.LOG_FULL == ticket)
            {
                stalledOn = "log full";
                checkpointTrigger.requestCheckpoint(ConsistencyPoint.Reason.LOG_HALF_FULL);
            }
            else
            {
                stalledOn = "log device busy";
            }
            return false;
        }
        request.maxTicket = ticket;
        request.recordAddress = log.lastAppendAddress();
        request.recordLength = log.lastAppendLength();
        request.stage = WriteRequest.STAGE_LOGGED;
        return true;
    }

    private boolean offer(final WriteRequest request, final int stream)
    {
        // the record is sent from where it lies in the log: the log keeps it there until mirrorReads says not
        final int result = sender.offerInPlace(stream, request.pieceSequence, log.recordBuffer(),
            (int)request.recordAddress, request.recordLength);
        if (MirrorSender.OK != result)
        {
            stalledOn = MirrorSender.NO_LIVE_PATH == result ? "no interconnect path" : "mirror window full";
            return false;
        }
        return true;
    }

    /**
     * Logs a consistency point marker locally. It is not mirrored: the partner learns the CP LSN from the pool's
     * superblock, and a marker in a stream's sequence would leave a hole in that stream's records.
     */
    private int advanceMarker(final WriteRequest request)
    {
        return logged(request, log.appendCpMarker(request.pieceLsn, epoch)) ? 1 : -1;
    }

    private int completeDurable(final long nowNs)
    {
        int completed = 0;
        final long durableTicket = log.completedTicket();
        for (int i = inFlightCount - 1; i >= 0; i--)
        {
            final WriteRequest request = inFlight[i];
            if (request.maxTicket <= durableTicket && isAcknowledged(request) &&
                (mirrored || null == lease || lease.holds(nowNs)))
            {
                writeLatencyUs.recordValue(Math.min(writeLatencyUs.getHighestTrackableValue(),
                    Math.max(0, (nowNs - request.submittedNs) / 1000)));
                if (null != latency)
                {
                    latency.record(WriteRequest.KIND_WRITE == request.kind ? IoOp.WRITE :
                        request.trim ? IoOp.TRIM : IoOp.WRITE_ZEROES, nowNs - request.submittedNs);
                }
                writesCompleted++;
                bytesWritten += request.length;
                completion.complete(request.token, WriteStatus.OK, request.context);
                inFlight[i] = inFlight[--inFlightCount];
                inFlight[inFlightCount] = null;
                recycle(request);
                completed++;
            }
        }
        return completed;
    }

    private boolean isAcknowledged(final WriteRequest request)
    {
        final long[] maxSequence = request.maxSequence;
        for (int stream = 0; stream < maxSequence.length; stream++)
        {
            if (maxSequence[stream] > sender.ackedSequence(stream))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * @return the mirror generation last opened ({@link #startGeneration}), 0 before the first.
     */
    public long generation()
    {
        return generation;
    }

    /**
     * Opens mirror generation {@code generation} in the session {@link #mirrorTo} started: one
     * {@link io.tandem.nvlog.RecordType#GENERATION_START} record per stream, the first of each stream's
     * sequence, logged and mirrored ahead of every queued write. The partner that stores them all holds the
     * generation complete; {@link #generationAcknowledged()} says when it acknowledged them.
     */
    public void startGeneration(final long generation)
    {
        this.generation = generation;
        for (int stream = 0; stream < markerStage.length; stream++)
        {
            markerStage[stream] = MARKER_TO_LOG;
            markerSequence[stream] = nextSequence[stream]++;
        }
        markersPending = markerStage.length;
        if (pendingHead < pendingTail)
        {
            // mirrorTo numbered the piece the queue stopped at in this session; the markers go out first, so on
            // its stream the marker takes the piece's sequence and the piece the one after. Left as it was, the
            // marker would be offered with a sequence after one never sent, refused on every duty cycle.
            final WriteRequest request = pending[(int)(pendingHead & pendingMask)];
            if (WriteRequest.KIND_CP_MARKER != request.kind && WriteRequest.STAGE_NEW != request.stage)
            {
                final int stream = partitioner.streamOf(volumeId, request.cursor);
                if (request.pieceSequence == markerSequence[stream] - 1)
                {
                    markerSequence[stream] = request.pieceSequence;
                    request.pieceSequence = markerSequence[stream] + 1;
                }
            }
        }
    }

    /**
     * @return the partner acknowledged every stream's generation start as durable: it holds the generation
     * {@link #startGeneration} opened from its start.
     */
    public boolean generationAcknowledged()
    {
        if (0 != markersPending || !mirrored)
        {
            return false;
        }
        for (int stream = 0; stream < markerSequence.length; stream++)
        {
            if (sender.ackedSequence(stream) < markerSequence[stream])
            {
                return false;
            }
        }
        return true;
    }

    private int sendGenerationStarts()
    {
        int work = 0;
        for (int stream = 0; stream < markerStage.length; stream++)
        {
            if (MARKER_TO_LOG == markerStage[stream])
            {
                final long ticket = log.appendGenerationStart(stream, markerSequence[stream], nextLsn - 1, generation);
                if (ticket < 0)
                {
                    stalledOn = NvLog.LOG_FULL == ticket ? "log full" : "log device busy";
                    return work;
                }
                markerAddress[stream] = log.lastAppendAddress();
                markerLength[stream] = log.lastAppendLength();
                markerStage[stream] = MARKER_TO_MIRROR;
            }
            if (MARKER_TO_MIRROR == markerStage[stream])
            {
                final int result = sender.offerInPlace(stream, markerSequence[stream], log.recordBuffer(),
                    (int)markerAddress[stream], markerLength[stream]);
                if (MirrorSender.OK != result)
                {
                    stalledOn = MirrorSender.NO_LIVE_PATH == result ? "no interconnect path" : "mirror window full";
                    return work;
                }
                markerStage[stream] = MARKER_DONE;
                markersPending--;
                work++;
            }
        }
        return work;
    }

    /**
     * Holds every queued piece where it is (nothing new is applied, logged or mirrored) until released; writes
     * already on their way still complete. How a resync or a giveback quiesces the write path.
     */
    public void hold(final boolean hold)
    {
        this.held = hold;
    }

    /**
     * @return no write is on its way: nothing in flight, and nothing queued unless held.
     */
    public boolean isQuiet()
    {
        return 0 == inFlightCount && (held || pendingHead == pendingTail);
    }

    /**
     * Mirrors from now on through {@code sender}, a new session in {@code newEpoch}: stream sequences start
     * again from the sender's. Only while no write is in flight ({@link #isQuiet()}).
     */
    public void mirrorTo(final MirrorSender sender, final long newEpoch)
    {
        if (0 != inFlightCount)
        {
            throw new IllegalStateException("cannot change the mirror with " + inFlightCount + " writes in flight");
        }
        this.sender = sender;
        this.epoch = newEpoch;
        this.mirrored = true;
        for (int stream = 0; stream < nextSequence.length; stream++)
        {
            nextSequence[stream] = sender.nextSequence(stream);
        }
        if (pendingHead < pendingTail)
        {
            // the piece the queue stopped at has a sequence of the old session (or none): give it one of the new
            final WriteRequest request = pending[(int)(pendingHead & pendingMask)];
            if (WriteRequest.KIND_CP_MARKER != request.kind && WriteRequest.STAGE_NEW != request.stage)
            {
                request.pieceSequence = nextSequence[partitioner.streamOf(volumeId, request.cursor)]++;
            }
        }
    }

    /**
     * Stops waiting for the partner's acknowledgement of anything mirrored so far: a consistency point has put
     * every applied write in the pool, which both controllers reach, so those writes are held by both. For a
     * resync, before the old mirror session is dropped; on the agent thread, with the queue held.
     */
    public void forgetMirrorAcks()
    {
        for (int i = 0; i < inFlightCount; i++)
        {
            java.util.Arrays.fill(inFlight[i].maxSequence, 0);
        }
        for (long i = pendingHead; i < pendingTail; i++)
        {
            java.util.Arrays.fill(pending[(int)(i & pendingMask)].maxSequence, 0);
        }
    }

    /**
     * Acknowledges writes once they are durable in the local NVLog alone: the partner is gone (taken over, or
     * the interconnect lost under policy {@code continue}). The caller records first that the mirror is stale.
     */
    public void runWithoutMirror(final long newEpoch)
    {
        this.epoch = newEpoch;
        java.util.Arrays.fill(markerStage, MARKER_DONE);
        markersPending = 0;
        if (mirrored)
        {
            mirrored = false;
            sender.abandon(); // nothing it holds is sent again, so the log may reuse where those records lie
            forgetMirrorAcks();
            final long head = pendingHead;
            if (head < pendingTail)
            {
                final WriteRequest request = pending[(int)(head & pendingMask)];
                if (WriteRequest.STAGE_LOGGED == request.stage)
                {
                    // logged, never to be offered: the piece is done
                    request.stage = WriteRequest.STAGE_NEW;
                    request.cursor += partitioner.pieceLength(request.cursor, request.end() - request.cursor);
                }
            }
        }
    }

    /**
     * Acknowledges a write without the mirror only while {@code lease} holds: such writes wait while the owner
     * has not found its epoch current lately, so a fenced controller acknowledges nothing alone.
     */
    public void epochLease(final EpochLease lease)
    {
        this.lease = lease;
    }

    /**
     * @return true while the mirror may still send a record lying in log half {@code half} again (the partner has
     * not acknowledged it): the log must not release the half before, or a resend would carry whatever the log
     * wrote there next.
     */
    public boolean mirrorReads(final int half)
    {
        return mirrored && sender.holdsInPlace(log.recordBuffer(), log.halfStart(half), log.halfEnd(half));
    }

    public boolean isMirrored()
    {
        return mirrored;
    }

    /**
     * Stops serving: every request not yet completed, and every later one, ends with {@code status}; nothing
     * more is written. For a fenced or stopping controller.
     */
    public void refuse(final WriteStatus status)
    {
        refusal = status;
        while (pendingHead < pendingTail)
        {
            final WriteRequest request = pending[(int)(pendingHead++ & pendingMask)];
            if (WriteRequest.KIND_CP_MARKER != request.kind)
            {
                completion.complete(request.token, status, request.context);
            }
            recycle(request);
        }
        for (int i = 0; i < inFlightCount; i++)
        {
            completion.complete(inFlight[i].token, status, inFlight[i].context);
            recycle(inFlight[i]);
            inFlight[i] = null;
        }
        inFlightCount = 0;
    }

    /**
     * Told by the consistency point's listener whether the last CP failed for want of space in the pool (true)
     * or one completed since (false). While true, writes waiting for a CP fail with ENOSPC after
     * {@link #noSpaceWaitNs(long)}.
     */
    public void poolFull(final boolean poolFull)
    {
        this.poolFull = poolFull;
    }

    /**
     * @param noSpaceWaitNs how long after its submission a write waiting for a CP while the pool is full fails
     *                      with ENOSPC; default 5 s.
     */
    public void noSpaceWaitNs(final long noSpaceWaitNs)
    {
        this.noSpaceWaitNs = noSpaceWaitNs;
    }

    /**
     * @return writes completed with ENOSPC because the pool was full.
     */
    public long writesFailedNoSpace()
    {
        return writesFailedNoSpace;
    }

    /**
     * @return the LSN the last applied piece got: what a consistency point started now covers.
     */
    public long lastLsn()
    {
        return nextLsn - 1;
    }

    public long epoch()
    {
        return epoch;
    }

    public int pendingCount()
    {
        return (int)(pendingTail - pendingHead);
    }

    public int inFlightCount()
    {
        return inFlightCount;
    }

    public long writesCompleted()
    {
        return writesCompleted;
    }

    public long bytesWritten()
    {
        return bytesWritten;
    }

    public long readsCompleted()
    {
        return readsCompleted;
    }

    public long stalls()
    {
        return stalls;
    }

    /**
     * @return what the write path waited for last time it could not go on.
     */
    public String stalledOn()
    {
        return stalledOn;
    }

    /**
     * @return latency from submit to completion of completed writes, in microseconds.
     */
    public Histogram writeLatencyUs()
    {
        return writeLatencyUs;
    }

    /**
     * @return the next sequence the write path gives a piece of {@code stream}.
     */
    public long nextSequence(final int stream)
    {
        return nextSequence[stream];
    }
}
