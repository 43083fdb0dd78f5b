package io.tandem.staging;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

/**
 * The file under a simulated NVRAM device, as the device reads, writes and forces it: a {@link FileChannel} by
 * default ({@link #open(Path)}). The deterministic simulator puts one in front that remembers what was written
 * but not yet forced, so that a power loss it injects can lose or tear those bytes, and that fails writes as a
 * failing device would.
 * <p>
 * Thread-safety as the channel's: the device's flusher writes and forces, its opener reads.
 */
public interface DeviceFile extends AutoCloseable
{
    /**
     * Opens an existing device file.
     */
    @FunctionalInterface
    interface Opener
    {
        DeviceFile open(Path file) throws IOException;
    }

    /**
     * Reads into {@code dst} from {@code position}, as {@link FileChannel#read(ByteBuffer, long)}.
     */
    int read(ByteBuffer dst, long position) throws IOException;

    /**
     * Writes {@code src} at {@code position}, as {@link FileChannel#write(ByteBuffer, long)}: handed to the OS,
     * durable only after {@link #force()}.
     */
    int write(ByteBuffer src, long position) throws IOException;

    /**
     * Forces every byte written so far to the disk, as {@link FileChannel#force(boolean)} without metadata.
     */
    void force() throws IOException;

    @Override
    void close() throws IOException;

    /**
     * @return the device file at {@code file}, opened to read and write.
     */
    static DeviceFile open(final Path file) throws IOException
    {
        final FileChannel channel = FileChannel.open(file, READ, WRITE);
        return new DeviceFile()
        {
            public int read(final ByteBuffer dst, final long position) throws IOException
            {
                return channel.read(dst, position);
            }

            public int write(final ByteBuffer src, final long position) throws IOException
            {
                return channel.write(src, position);
            }

            public void force() throws IOException
            {
                channel.force(false);
            }

            public void close() throws IOException
            {
                channel.close();
            }
        };
    }
}
