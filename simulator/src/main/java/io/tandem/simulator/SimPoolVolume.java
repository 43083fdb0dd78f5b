package io.tandem.simulator;

import io.tandem.staging.block.BlockDevice;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The pool's volume as one simulated process reaches it: every write is checked against who owns the pool (only
 * the owner, never a fenced or given-back controller, writes it), and while the simulation says the disk fails
 * or is full, writes and flushes fail as the JDK reports those (EIO; "No space left on device"). At durability
 * {@code power} what the process wrote and did not flush is remembered, for a power loss to lose.
 * <p>
 * Not thread-safe: the simulation has one thread.
 */
final class SimPoolVolume implements BlockDevice, Unforced.Io
{
    private final Simulation simulation;
    private final SimProcess process;
    private final BlockDevice volume;
    private final Unforced unforced;

    SimPoolVolume(final Simulation simulation, final SimProcess process, final BlockDevice volume)
    {
        this.simulation = simulation;
        this.process = process;
        this.volume = volume;
        this.unforced = new Unforced(volume.blockSize());
    }

    public int blockSize()
    {
        return volume.blockSize();
    }

    public long blockCount()
    {
        return volume.blockCount();
    }

    public void read(final long blockIndex, final ByteBuffer dst) throws IOException
    {
        volume.read(blockIndex, dst);
    }

    public void write(final long blockIndex, final ByteBuffer src) throws IOException
    {
        simulation.checkPoolWriter(process, blockIndex);
        failIfFaulty();
        if (simulation.tracksPower())
        {
            unforced.beforeWrite(this, blockIndex * volume.blockSize(), src.remaining());
        }
        volume.write(blockIndex, src);
    }

    public void flush() throws IOException
    {
        failIfFaulty();
        volume.flush();
        unforced.forced();
    }

    public void readFully(final ByteBuffer dst, final long position) throws IOException
    {
        volume.read(position / volume.blockSize(), dst);
    }

    public void writeFully(final ByteBuffer src, final long position) throws IOException
    {
        volume.write(position / volume.blockSize(), src);
    }

    /**
     * The power is cut: what this process wrote to the pool and did not flush is lost or kept, block by block.
     *
     * @return blocks lost.
     */
    int losePower(final java.util.Random random) throws IOException
    {
        return unforced.losePower(this, random);
    }

    public void close() throws IOException
    {
        volume.close();
    }

    private void failIfFaulty() throws IOException
    {
        final Fault fault = simulation.injector().poolFault();
        if (Fault.POOL_FULL == fault)
        {
            throw new IOException("No space left on device");
        }
        if (Fault.POOL_EIO == fault)
        {
            throw new IOException("Input/output error");
        }
    }
}
