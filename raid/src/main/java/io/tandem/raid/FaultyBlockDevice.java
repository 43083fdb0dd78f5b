package io.tandem.raid;

import io.tandem.staging.block.BlockDevice;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.LockSupport;

/**
 * A member device with faults switched on and off at run time, for tests and for {@code tandem ctl disk}: every
 * I/O failing (a dead disk), I/O errors on a range of blocks (bad sectors), a delay on every I/O (a slow disk),
 * writes that are acknowledged and lost (a disk that returns stale data afterwards), or all writes lost after a
 * count of them (the moment power was cut).
 * <p>
 * Thread-safe: the switches are volatile; the I/O is the wrapped device's.
 */
public final class FaultyBlockDevice implements BlockDevice
{
    private final BlockDevice device;
    private volatile boolean dead;
    private volatile boolean readsFail;
    private volatile long badFrom = -1;
    private volatile long badTo = -1;
    private volatile long delayNs;
    private volatile boolean losesWrites;
    private volatile long writesBeforeCut = Long.MAX_VALUE;
    private volatile long injectedErrors;

    public FaultyBlockDevice(final BlockDevice device)
    {
        this.device = device;
    }

    /**
     * Every I/O from now on fails (or, with false, works again).
     */
    public FaultyBlockDevice dead(final boolean dead)
    {
        this.dead = dead;
        return this;
    }

    /**
     * Every read from now on fails, while writes work (or, with false, reads work again).
     */
    public FaultyBlockDevice readsFail(final boolean readsFail)
    {
        this.readsFail = readsFail;
        return this;
    }

    /**
     * I/O touching blocks {@code [from, to)} fails; {@code from = -1} clears it.
     */
    public FaultyBlockDevice badBlocks(final long from, final long to)
    {
        this.badFrom = from;
        this.badTo = to;
        return this;
    }

    public FaultyBlockDevice delayNs(final long delayNs)
    {
        this.delayNs = delayNs;
        return this;
    }

    /**
     * Writes are acknowledged and dropped: the blocks keep what they held.
     */
    public FaultyBlockDevice losesWrites(final boolean losesWrites)
    {
        this.losesWrites = losesWrites;
        return this;
    }

    /**
     * The next {@code writes} writes happen, and every one after them is dropped: power cut after them.
     */
    public FaultyBlockDevice cutPowerAfter(final long writes)
    {
        this.writesBeforeCut = writes;
        return this;
    }

    public long injectedErrors()
    {
        return injectedErrors;
    }

    public BlockDevice device()
    {
        return device;
    }

    public int blockSize()
    {
        return device.blockSize();
    }

    public long blockCount()
    {
        return device.blockCount();
    }

    public void read(final long blockIndex, final ByteBuffer dst) throws IOException
    {
        check(blockIndex, dst.remaining(), "read");
        if (readsFail)
        {
            throw injected("read", blockIndex);
        }
        device.read(blockIndex, dst);
    }

    @SuppressWarnings("NonAtomicOperationOnVolatileField")
    public void write(final long blockIndex, final ByteBuffer src) throws IOException
    {
        check(blockIndex, src.remaining(), "write");
        if (losesWrites || writesBeforeCut <= 0)
        {
            src.position(src.limit());
            return;
        }
        if (writesBeforeCut != Long.MAX_VALUE)
        {
            writesBeforeCut--;
        }
        device.write(blockIndex, src);
    }

    public void flush() throws IOException
    {
        if (dead)
        {
            throw injected("flush", -1);
        }
        device.flush();
    }

    public void close() throws IOException
    {
        device.close();
    }

    private void check(final long blockIndex, final int bytes, final String op) throws IOException
    {
        final long delay = delayNs;
        if (delay > 0)
        {
            LockSupport.parkNanos(delay);
        }
        if (dead)
        {
            throw injected(op, blockIndex);
        }
        final long from = badFrom;
        if (from >= 0 && blockIndex < badTo && blockIndex + bytes / device.blockSize() > from)
        {
            throw injected(op, blockIndex);
        }
    }

    @SuppressWarnings("NonAtomicOperationOnVolatileField")
    private IOException injected(final String op, final long blockIndex)
    {
        injectedErrors++;
        return new IOException("injected " + op + " error" + (blockIndex >= 0 ? " at block " + blockIndex : ""));
    }
}
