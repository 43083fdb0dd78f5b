package io.tandem.interconnect.path;

import io.aeron.ChannelUri;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ext.DebugReceiveChannelEndpoint;
import io.aeron.driver.ext.DebugSendChannelEndpoint;
import io.aeron.driver.ext.LossGenerator;
import io.tandem.interconnect.idle.ChannelWatcher;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.net.InetSocketAddress;
import java.nio.MappedByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The fault injector: pulls and restores paths like cables. A pulled path loses every frame in both directions
 * inside this endpoint's media driver, below the mirror protocol (Aeron's own setup, status and heartbeat frames
 * too), so the protocol has to notice by itself.
 * <p>
 * The switches live in a small memory-mapped control file, {@value #FILE_NAME} in the endpoint's Aeron directory,
 * one 8-byte slot per path (non-zero = pulled):
 * <pre>
 *  | path 0 (64) | path 1 (64) | ... | path 7 (64) |
 * </pre>
 * The driver's channel endpoints read the slot of their path for every frame, so a pull from another process
 * ({@link #open(Path)} on the same Aeron directory, e.g. {@code tandem ctl pull}) acts as fast as one from code.
 * <p>
 * Thread-safe: pull and restore may be called from any thread or process; the driver reads with volatile loads.
 */
public final class PathFaults implements AutoCloseable
{
    public static final String FILE_NAME = "tandem-path-faults.dat";
    public static final int MAX_PATHS = 8;
    public static final int SLOT_LENGTH = 8;
    public static final int FILE_LENGTH = MAX_PATHS * SLOT_LENGTH;

    private static final LossGenerator NO_LOSS = (address, buffer, length) -> false;

    private final UnsafeBuffer slots = new UnsafeBuffer(0, 0);
    private MappedByteBuffer mapped;

    private PathFaults(final MappedByteBuffer mapped)
    {
        if (null != mapped)
        {
            this.mapped = mapped;
            slots.wrap(mapped);
        }
    }

    /**
     * The switches of an endpoint about to launch its driver: {@link #install} them into the driver's context,
     * launch the driver (which clears its directory), then {@link #createFile(Path)}. Until then every path is
     * restored.
     */
    public static PathFaults forDriver()
    {
        return new PathFaults(null);
    }

    /**
     * Creates the control file in {@code aeronDirectory}, every path restored, and switches to it.
     */
    public void createFile(final Path aeronDirectory)
    {
        final File file = aeronDirectory.resolve(FILE_NAME).toFile();
        mapped = IoUtil.mapNewFile(file, FILE_LENGTH, true);
        slots.wrap(mapped);
    }

    /**
     * Opens the control file of a running endpoint, from any process.
     *
     * @throws IllegalStateException when the endpoint is not running there.
     */
    public static PathFaults open(final Path aeronDirectory)
    {
        final Path file = aeronDirectory.resolve(FILE_NAME);
        if (!Files.isRegularFile(file))
        {
            throw new IllegalStateException("no interconnect endpoint running in " + aeronDirectory);
        }
        return new PathFaults(IoUtil.mapExistingFile(file.toFile(), FILE_NAME));
    }

    public void pull(final int path)
    {
        checkMapped();
        slots.putLongVolatile(slotOffset(path), 1);
    }

    public void restore(final int path)
    {
        checkMapped();
        slots.putLongVolatile(slotOffset(path), 0);
    }

    public boolean isPulled(final int path)
    {
        checkMapped();
        return 0 != slots.getLongVolatile(slotOffset(path));
    }

    /**
     * Makes the media driver drop the frames of pulled paths: every channel gets Aeron's debug channel endpoints,
     * whose loss generator reads the switch of the path the channel's alias names (none for a channel of no
     * path).
     *
     * @param watcher told of each endpoint's socket once it is open, or null.
     */
    public void install(final MediaDriver.Context driverContext, final ChannelWatcher watcher)
    {
        driverContext.sendChannelEndpointSupplier((udpChannel, statusIndicator, context) ->
        {
            final LossGenerator cable = cableOf(udpChannel.channelUri());
            return new DebugSendChannelEndpoint(udpChannel, statusIndicator, context, cable, cable)
            {
                public void openChannel()
                {
                    super.openChannel();
                    watch(watcher, receiveDatagramChannel());
                }
            };
        });
        driverContext.receiveChannelEndpointSupplier((udpChannel, dispatcher, statusIndicator, context) ->
        {
            final LossGenerator cable = cableOf(udpChannel.channelUri());
            return new DebugReceiveChannelEndpoint(udpChannel, dispatcher, statusIndicator, context, cable, cable)
            {
                public void openChannel()
                {
                    super.openChannel();
                    watch(watcher, receiveDatagramChannel());
                }
            };
        });
    }

    /**
     * @return the switch of the path a channel belongs to, or one that never drops for a channel of no path.
     */
    private LossGenerator cableOf(final ChannelUri channelUri)
    {
        final int path = PathChannels.pathOf(channelUri);
        return path < 0 || path >= MAX_PATHS ? NO_LOSS : new Cable(path);
    }

    private static void watch(final ChannelWatcher watcher, final DatagramChannel channel)
    {
        if (null != watcher && null != channel)
        {
            watcher.watch(channel, SelectionKey.OP_READ);
        }
    }

    public void close()
    {
        if (null != mapped)
        {
            slots.wrap(0, 0);
            IoUtil.unmap(mapped);
            mapped = null;
        }
    }

    private void checkMapped()
    {
        if (null == mapped)
        {
            throw new IllegalStateException("fault switches not created yet, or closed");
        }
    }

    private static int slotOffset(final int path)
    {
        if (path < 0 || path >= MAX_PATHS)
        {
            throw new IllegalArgumentException("path must be 0.." + (MAX_PATHS - 1) + ": " + path);
        }
        return path * SLOT_LENGTH;
    }

    /** Loses every frame of one path while its switch is pulled. */
    private final class Cable implements LossGenerator
    {
        private final int offset;

        Cable(final int path)
        {
            this.offset = slotOffset(path);
        }

        public boolean shouldDropFrame(final InetSocketAddress address, final UnsafeBuffer buffer, final int length)
        {
            // before the file exists, and after close, nothing is pulled
            return slots.capacity() > offset && 0 != slots.getLongVolatile(offset);
        }
    }
}
