package io.tandem.simulator;

import io.tandem.staging.block.BlockDevice;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The pool's volume as one simulated process reaches it: every write is checked against who owns the pool (only
 * the owner, never a fenced or given-back controller, writes it), and while the simulation says the disk fails
 * or is full, writes and flushes fail as the JDK reports those (EIO; "No space left on device").
 * <p>
 * Not thread-safe: the simulation has one thread.
 */
final class SimPoolVolume implements BlockDevice
{
    private final Simulation simulation;
    private final SimProcess process;
    private final BlockDevice volume;

    SimPoolVolume(final Simulation simulation, final SimProcess process, final BlockDevice volume)
    {
        this.simulation = simulation;
        this.process = process;
        this.volume = volume;
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
        volume.write(blockIndex, src);
    }

    public void flush() throws IOException
    {
        failIfFaulty();
        volume.flush();
    }

    public void close() throws IOException
    {
        volume.close();
    }

    private void failIfFaulty() throws IOException
    {
        final Fault fault = simulation.poolFault();
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
