package io.tandem.controller.pool;

import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

/**
 * One controller's mailbox file on the pool, {@code mailbox-<id>}: written in place by its owner on every
 * heartbeat (no force: a heartbeat only matters while the machine runs), read by the partner. A read that
 * races a write can see a torn mailbox; the CRC tells, and the reader tries again.
 * <p>
 * Not thread-safe: one thread writes, and each reader uses its own instance.
 */
public final class MailboxFile implements AutoCloseable
{
    public static final int ROLE_NONE = 0;
    public static final int ROLE_PRIMARY = 1;
    public static final int ROLE_SECONDARY = 2;
    public static final int ROLE_FENCED = 3;
    public static final int ROLE_STOPPED = 4;

    private static final int READ_ATTEMPTS = 3;

    private final Path file;
    private final UnsafeBuffer bytes = new UnsafeBuffer(ByteBuffer.allocateDirect(Mailbox.LENGTH));
    private final Mailbox mailbox = new Mailbox().wrap(bytes);
    private FileChannel channel;
    private long heartbeatCount;
    private RunIdentity run = RunIdentity.current();

    public MailboxFile(final Path poolDir, final int controllerId)
    {
        this.file = poolDir.resolve("mailbox-" + controllerId);
    }

    public static String roleName(final int role)
    {
        switch (role)
        {
            case ROLE_PRIMARY:
                return "primary";
            case ROLE_SECONDARY:
                return "secondary";
            case ROLE_FENCED:
                return "fenced";
            case ROLE_STOPPED:
                return "stopped";
            default:
                return "none";
        }
    }

    /**
     * Names the run heartbeats publish; this JVM's ({@link RunIdentity#current()}) unless the platform says
     * otherwise (a simulated process).
     */
    public MailboxFile run(final RunIdentity run)
    {
        this.run = run;
        return this;
    }

    public Path file()
    {
        return file;
    }

    /**
     * Writes a heartbeat.
     */
    public void beat(final int controllerId, final int role, final long epoch, final long nowMs) throws IOException
    {
        beat(controllerId, role, epoch, 0, nowMs);
    }

    /**
     * Writes a heartbeat naming this process's run ({@link #run(RunIdentity)}) and the mirror generation
     * this controller's NVLog holds complete.
     */
    public void beat(
        final int controllerId, final int role, final long epoch, final long heldGeneration, final long nowMs)
        throws IOException
    {
        if (null == channel)
        {
            channel = FileChannel.open(file, CREATE, READ, WRITE);
        }
        mailbox.fill(controllerId, role, run, epoch, heldGeneration, nowMs, ++heartbeatCount);
        final ByteBuffer src = bytes.byteBuffer().duplicate().clear();
        while (src.hasRemaining())
        {
            channel.write(src, src.position());
        }
    }

    /**
     * Reads the mailbox.
     *
     * @return the mailbox, or null if there is none or it stayed torn over several reads.
     */
    public Mailbox read() throws IOException
    {
        for (int attempt = 0; attempt < READ_ATTEMPTS; attempt++)
        {
            final ByteBuffer dst = bytes.byteBuffer().duplicate().clear();
            try (FileChannel in = FileChannel.open(file, READ))
            {
                while (dst.hasRemaining() && in.read(dst, dst.position()) >= 0)
                {
                    // to the end of the mailbox or of the file
                }
            }
            catch (final NoSuchFileException ex)
            {
                return null;
            }
            if (!dst.hasRemaining() && mailbox.isValid())
            {
                return mailbox;
            }
        }
        return null;
    }

    public boolean exists()
    {
        return Files.exists(file);
    }

    public void close() throws IOException
    {
        if (null != channel)
        {
            channel.close();
            channel = null;
        }
    }
}
