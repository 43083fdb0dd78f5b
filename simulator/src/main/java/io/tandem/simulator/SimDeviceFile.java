package io.tandem.simulator;

import io.tandem.staging.DeviceFile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Random;

/**
 * The file under a simulated process's NVRAM: writes and forces go to the real file, but what was written and not
 * forced is remembered, so that a power loss loses or tears it ({@link Unforced}); while the simulation says the
 * NVRAM fails, writes fail with EIO, as a failing device's would.
 * <p>
 * Not thread-safe: the simulation has one thread.
 */
final class SimDeviceFile implements DeviceFile, Unforced.Io
{
    private final Simulation simulation;
    private final SimProcess process;
    private final DeviceFile file;
    private final Unforced unforced = new Unforced(512);

    SimDeviceFile(final Simulation simulation, final SimProcess process, final DeviceFile file)
    {
        this.simulation = simulation;
        this.process = process;
        this.file = file;
    }

    public int read(final ByteBuffer dst, final long position) throws IOException
    {
        return file.read(dst, position);
    }

    public int write(final ByteBuffer src, final long position) throws IOException
    {
        if (simulation.injector().nvramFails(process.controllerId()))
        {
            throw new IOException("Input/output error");
        }
        process.stall(simulation.injector().nvramWriteNs(process.controllerId()));
        if (simulation.tracksPower())
        {
            unforced.beforeWrite(this, position, src.remaining());
        }
        return file.write(src, position);
    }

    public void force() throws IOException
    {
        file.force();
        unforced.forced();
    }

    public void close() throws IOException
    {
        file.close();
    }

    public void readFully(final ByteBuffer dst, final long position) throws IOException
    {
        while (dst.hasRemaining() && file.read(dst, position + dst.position()) >= 0)
        {
            // read to the end of the range or of the file
        }
    }

    public void writeFully(final ByteBuffer src, final long position) throws IOException
    {
        final long start = position - src.position();
        while (src.hasRemaining())
        {
            file.write(src, start + src.position());
        }
    }

    /**
     * The power is cut: what was not forced is lost or torn.
     *
     * @return sectors lost.
     */
    int losePower(final Random random) throws IOException
    {
        return unforced.losePower(this, random);
    }
}
