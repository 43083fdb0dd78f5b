package io.tandem.staging;

import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

/**
 * Simulated NVRAM: a byte-addressable persistent device over a block file.
 * <p>
 * The whole device is held in an in-memory staging area, so reads and writes run at memory speed. A write
 * copies its bytes into the staging area and queues them; it returns at once with a ticket. The flusher
 * ({@link NvramFlusher}) writes queued bytes back to the file region by region, whole blocks at a time, and
 * completes tickets in arrival order once they are durable at the configured {@link Durability}:
 * <ul>
 * <li>{@code PROCESS}: handed to the kernel, so they survive kill -9 of this JVM;</li>
 * <li>{@code POWER}: also forced to the disk, one force shared by every write of a group commit.</li>
 * </ul>
 * A write counts as committed when {@link #completedTicket()} has reached its ticket; that is the promise
 * every layer above builds on. A write not yet completed when the process dies may be on file wholly, in
 * part, or not at all: the layer above must detect a torn write (the NVLog does, by CRC).
 * <p>
 * The file: one header block ({@link DeviceHeader}) followed by {@code capacity} bytes. It is created
 * preallocated (a full disk is found at creation, not later) under a temporary name and renamed into place.
 * An existing file is checked read-only before it is opened for writing, so a refused file is never changed.
 * <p>
 * Thread-safe: any number of threads may write, read and wait at once. Two writes in flight at once to
 * overlapping addresses leave the bytes of whichever copied last.
 */
public final class NvramDevice implements AutoCloseable
{
    /** Returned by {@link #write} when {@link NvramContext#maxPendingWrites()} writes are pending. */
    public static final long BACK_PRESSURED = -1;

    private static final int FILL_CHUNK = 1 << 20;
    private static final long FLUSHER_MAX_PARK_NS = 1_000_000;

    private final NvramContext ctx;
    private final DeviceFile channel;
    private final ByteBuffer stagingByteBuffer;
    private final UnsafeBuffer staging;
    private final PendingWrites pending;
    private final NvramFlusher flusher;
    private final CompletionWaiters waiters;
    private final CompletionWaiters.StopCheck flusherStopped = this::flusherStopped;
    private final AgentRunner runner;
    private final AgentInvoker invoker;
    private final FlusherIdleStrategy flusherIdle;
    private final ResidentMemory resident;
    private final String residentRefusal;
    private volatile boolean closed;

    private NvramDevice(
        final NvramContext ctx,
        final DeviceFile channel,
        final ByteBuffer stagingByteBuffer,
        final ResidentMemory resident,
        final String residentRefusal)
    {
        this.ctx = ctx;
        this.channel = channel;
        this.stagingByteBuffer = stagingByteBuffer;
        this.resident = resident;
        this.residentRefusal = residentRefusal;
        this.staging = new UnsafeBuffer(stagingByteBuffer);
        this.pending = new PendingWrites(ctx.maxPendingWrites());
        this.waiters = new CompletionWaiters(ctx.maxPendingWrites());
        this.flusher = new NvramFlusher(
            ctx, pending, channel, stagingByteBuffer, ctx.blockSize(), waiters, null == resident);
        final ErrorHandler errorHandler = Throwable::printStackTrace;
        this.flusherIdle = null == ctx.idleStrategy() && !ctx.useAgentInvoker() ?
            new FlusherIdleStrategy(FLUSHER_MAX_PARK_NS, flusher::hasWork) : null;
        if (ctx.useAgentInvoker())
        {
            invoker = new AgentInvoker(errorHandler, null, flusher);
            invoker.start();
            runner = null;
        }
        else
        {
            invoker = null;
            runner = new AgentRunner(null != flusherIdle ? flusherIdle : ctx.idleStrategy(), errorHandler, null,
                flusher);
            AgentRunner.startOnThread(runner);
        }
    }

    /**
     * Creates the device file, or opens and checks an existing one, and loads it into the staging area.
     *
     * @param ctx the configuration; concluded here.
     * @return the open device.
     * @throws StagingFormatException if an existing file is not a device of this geometry; it is left unchanged.
     * @throws IOException            if the file cannot be created (a full disk, say) or read.
     */
    public static NvramDevice open(final NvramContext ctx) throws IOException
    {
        ctx.conclude();
        final Path file = ctx.file();
        if (!Files.exists(file))
        {
            if (!ctx.createIfMissing())
            {
                throw new StagingFormatException(file, "no such device file, and createIfMissing is off");
            }
            create(ctx);
        }
        check(ctx);

        final DeviceFile channel = ctx.deviceFiles().open(file);
        ByteBuffer stagingByteBuffer = null;
        try
        {
            ResidentMemory resident = Files.exists(ResidentMemory.markerOf(file)) ? ResidentMemory.adopt(ctx) : null;
            if (null != resident && !ctx.wantsResident())
            {
                // the contents are in memory, and this configuration stages in memory of its own: take them and
                // make the file the device's copy again before anything else is written
                stagingByteBuffer = LazyMemory.allocate((int)ctx.capacity());
                stagingByteBuffer.put(0, resident.staging(), 0, (int)ctx.capacity());
                resident.takeBack(channel, ctx.blockSize());
                return new NvramDevice(ctx, channel, stagingByteBuffer, null, null);
            }
            final String[] refusal = new String[1];
            if (null == resident && ctx.wantsResident())
            {
                resident = ResidentMemory.create(ctx, channel, refusal);
            }
            if (null != resident)
            {
                return new NvramDevice(ctx, channel, resident.staging(), resident, null);
            }
            stagingByteBuffer = LazyMemory.allocate((int)ctx.capacity());
            final ByteBuffer load = stagingByteBuffer.duplicate();
            while (load.hasRemaining())
            {
                if (channel.read(load, ctx.blockSize() + load.position()) < 0)
                {
                    throw new StagingFormatException(file, "ended while loading at address " + load.position());
                }
            }
            return new NvramDevice(ctx, channel, stagingByteBuffer, null, refusal[0]);
        }
        catch (final IOException | RuntimeException ex)
        {
            channel.close();
            if (null != stagingByteBuffer)
            {
                BufferUtil.free(stagingByteBuffer);
            }
            throw ex;
        }
    }

    /**
     * Deletes a device: its file, and the memory that holds its contents if it is resident ({@link ResidentMemory}),
     * so that the next open makes a blank one. What the device held is gone.
     */
    public static void delete(final Path file) throws IOException
    {
        ResidentMemory.forget(file);
        Files.deleteIfExists(file);
    }

    private static void create(final NvramContext ctx) throws IOException
    {
        final Path file = ctx.file();
        final Path temp = file.resolveSibling(file.getFileName() + ".creating");
        Files.deleteIfExists(temp);
        try (FileChannel out = FileChannel.open(temp, CREATE_NEW, WRITE))
        {
            final ByteBuffer header = ByteBuffer.allocate(ctx.blockSize());
            new DeviceHeader().wrap(new UnsafeBuffer(header))
                .fill(ctx.blockSize(), ctx.capacity(), System.currentTimeMillis());
            writeFully(out, header, 0);
            final ByteBuffer zeros = ByteBuffer.allocateDirect(FILL_CHUNK);
            for (long position = 0; position < ctx.capacity(); position += FILL_CHUNK)
            {
                zeros.clear().limit((int)Math.min(FILL_CHUNK, ctx.capacity() - position));
                writeFully(out, zeros, ctx.blockSize() + position);
            }
            out.force(true);
        }
        catch (final IOException ex)
        {
            Files.deleteIfExists(temp);
            throw new IOException(file + ": cannot create the device file (" + ex.getMessage() + ")", ex);
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void check(final NvramContext ctx) throws IOException
    {
        final Path file = ctx.file();
        try (FileChannel in = FileChannel.open(file, READ))
        {
            final long expectedLength = ctx.blockSize() + ctx.capacity();
            final ByteBuffer bytes = ByteBuffer.allocate(DeviceHeader.LENGTH);
            while (bytes.hasRemaining() && in.read(bytes, bytes.position()) >= 0)
            {
                // read the header fully or to end of file
            }
            if (bytes.hasRemaining())
            {
                throw new StagingFormatException(file, "too short for a device header (" + in.size() + " bytes)");
            }
            final DeviceHeader header = new DeviceHeader().wrap(new UnsafeBuffer(bytes));
            if (DeviceHeader.MAGIC != header.magic())
            {
                throw new StagingFormatException(file, "not a tandem NVRAM device (bad magic)");
            }
            if (DeviceHeader.VERSION != header.version())
            {
                throw new StagingFormatException(file, "device format version " + header.version() +
                    ", this build reads version " + DeviceHeader.VERSION);
            }
            if (header.crc() != header.computeCrc())
            {
                throw new StagingFormatException(file, "device header is damaged (CRC mismatch)");
            }
            if (header.blockSize() != ctx.blockSize() || header.capacity() != ctx.capacity())
            {
                throw new StagingFormatException(file, "device has block size " + header.blockSize() +
                    " and capacity " + header.capacity() + ", configured block size " + ctx.blockSize() +
                    " and capacity " + ctx.capacity());
            }
            if (in.size() != expectedLength)
            {
                throw new StagingFormatException(file, "device file is " + in.size() + " bytes, expected " +
                    expectedLength + " (truncated or extended)");
            }
        }
    }

    static void writeFully(final FileChannel out, final ByteBuffer src, final long position)
        throws IOException
    {
        long at = position;
        while (src.hasRemaining())
        {
            at += out.write(src, at);
        }
    }

    /**
     * Copies bytes into the staging area and queues them for persistence; never blocks.
     *
     * @param address   where the bytes go, 0 to capacity - length.
     * @param src       the bytes.
     * @param srcOffset where they start in {@code src}.
     * @param length    how many, at least 1.
     * @return the write's ticket (> 0, increasing in arrival order), or {@link #BACK_PRESSURED} with nothing
     * written.
     * @throws IllegalArgumentException if the range is outside the device.
     * @throws IllegalStateException    if the device is closed.
     * @throws java.io.UncheckedIOException if an I/O error stopped the device.
     */
    public long write(final long address, final DirectBuffer src, final int srcOffset, final int length)
    {
        return write(address, src, srcOffset, length, src, srcOffset, 0);
    }

    /**
     * As {@link #write(long, DirectBuffer, int, int)}, for bytes that lie in two buffers and go to the device
     * one after the other, as one write with one ticket: what the NVLog does with a record it did not encode and
     * the end marker after it, so that it need not first copy both into one buffer.
     *
     * @return the write's ticket, or {@link #BACK_PRESSURED} with nothing written.
     */
    public long write(
        final long address,
        final DirectBuffer src,
        final int srcOffset,
        final int length,
        final DirectBuffer tail,
        final int tailOffset,
        final int tailLength)
    {
        final long ticket = claim(address, length + tailLength);
        if (ticket > 0)
        {
            staging.putBytes((int)address, src, srcOffset, length);
            staging.putBytes((int)address + length, tail, tailOffset, tailLength);
            publish(ticket, address, length + tailLength);
        }
        return ticket;
    }

    /**
     * Claims a write of {@code length} bytes at {@code address} that the caller puts in place itself, straight
     * into {@link #claimedArea()}, so that bytes it encodes reach the device in one copy (as Aeron's
     * {@code tryClaim}). The caller must {@link #publish} the claim before it writes to the device again, and
     * must not fail in between: a claim never published holds back every write after it.
     *
     * @return the write's ticket, or {@link #BACK_PRESSURED} with nothing claimed.
     * @throws IllegalArgumentException if the range is outside the device.
     */
    public long claim(final long address, final int length)
    {
        checkRange(address, length);
        if (closed)
        {
            throw new IllegalStateException("device closed: " + ctx.file());
        }
        flusher.failIfFailed();
        final long ticket = pending.claim();
        return 0 == ticket ? BACK_PRESSURED : ticket;
    }

    /**
     * @return the staging area to put a claimed write's bytes into, at the claimed device address; bytes outside
     * a claim are not the caller's to change.
     */
    public MutableDirectBuffer claimedArea()
    {
        return staging;
    }

    /**
     * Queues a claimed write, its bytes now in place, for persistence.
     */
    public void publish(final long ticket, final long address, final int length)
    {
        pending.publish(ticket, address, length);
        if (null != flusherIdle)
        {
            flusherIdle.wake();
        }
    }

    /**
     * Copies bytes out of the staging area: what the latest writes put there, completed or not.
     */
    public void read(final long address, final MutableDirectBuffer dst, final int dstOffset, final int length)
    {
        checkRange(address, length);
        dst.putBytes(dstOffset, staging, (int)address, length);
    }

    /**
     * @return the whole staging area, addresses 0 to capacity, for scanning without copies. Read it only: a
     * write through this view would bypass persistence.
     */
    public DirectBuffer view()
    {
        return staging;
    }

    /**
     * @return every write with a ticket up to and including this one is durable.
     */
    public long completedTicket()
    {
        return pending.completed();
    }

    /**
     * @return the last ticket handed out.
     */
    public long lastTicket()
    {
        return pending.claimed();
    }

    public boolean isComplete(final long ticket)
    {
        return pending.completed() >= ticket;
    }

    /**
     * Waits until a write is durable. For tests and callers off the hot path; in invoker mode it steps the
     * flusher itself.
     *
     * @throws java.io.UncheckedIOException if an I/O error stopped the device first.
     * @throws IllegalStateException        if the device was closed first.
     */
    public void awaitCompletion(final long ticket)
    {
        if (null != invoker)
        {
            while (pending.completed() < ticket)
            {
                flusher.failIfFailed();
                invoker.invoke();
            }
            return;
        }
        if (!waiters.await(ticket, pending, flusher, flusherStopped))
        {
            flusher.failIfFailed();
            throw new IllegalStateException("device closed before ticket " + ticket + " completed");
        }
    }

    private boolean flusherStopped()
    {
        return closed && !runner.thread().isAlive();
    }

    /**
     * @return the flusher to step by hand, when the context asked for {@link NvramContext#useAgentInvoker()};
     * otherwise null.
     */
    public AgentInvoker invoker()
    {
        return invoker;
    }

    /**
     * @return the error that stopped the device, or null while it is healthy.
     */
    public Throwable failure()
    {
        return flusher.failure();
    }

    public Path file()
    {
        return ctx.file();
    }

    public long capacity()
    {
        return ctx.capacity();
    }

    public int blockSize()
    {
        return ctx.blockSize();
    }

    public int regionSize()
    {
        return ctx.regionSize();
    }

    public Durability durability()
    {
        return ctx.durability();
    }

    /**
     * @return the shared-memory file the staging area is kept in ({@link ResidentMemory}), or null when it is
     * memory of this process's own, written back by the flusher.
     */
    public Path residentSegment()
    {
        return null == resident ? null : resident.segment();
    }

    /**
     * @return why the staging area is not resident though the context asked for it, or null.
     */
    public String residentRefusal()
    {
        return residentRefusal;
    }

    public int maxPendingWrites()
    {
        return ctx.maxPendingWrites();
    }

    /**
     * @return writes completed so far.
     */
    public long writes()
    {
        return flusher.writes();
    }

    /**
     * @return bytes of completed writes so far.
     */
    public long bytesWritten()
    {
        return flusher.bytes();
    }

    public long groupCommits()
    {
        return flusher.groupCommits();
    }

    /**
     * @return forces of the file so far: one per group commit at {@code POWER}, none at {@code PROCESS}.
     */
    public long forces()
    {
        return flusher.forces();
    }

    /**
     * Refuses further writes, makes every queued write durable, then stops the flusher and closes the file.
     */
    public void close() throws IOException
    {
        if (closed)
        {
            return;
        }
        closed = true;
        try
        {
            if (null == flusher.failure())
            {
                awaitCompletion(pending.claimed());
            }
        }
        finally
        {
            if (null != runner)
            {
                runner.close();
            }
            else
            {
                invoker.close();
            }
            try
            {
                if (null != resident && null == flusher.failure())
                {
                    resident.release(channel, ctx.blockSize());
                }
            }
            finally
            {
                // The staging memory is left to the collector, not freed here: a reader racing close must not
                // touch freed memory.
                channel.close();
            }
        }
    }

    private void checkRange(final long address, final int length)
    {
        if (address < 0 || length < 1 || address > ctx.capacity() - length)
        {
            throw new IllegalArgumentException("range [" + address + ", " + address + " + " + length +
                ") is outside device " + ctx.file() + " of capacity " + ctx.capacity());
        }
    }
}
