package io.tandem.primary;

import io.tandem.controller.nbd.BlockVolume;
import io.tandem.controller.nbd.IoCompletion;
import io.tandem.controller.nbd.NbdProtocol;
import io.tandem.primary.write.WritePath;
import io.tandem.primary.write.WriteStatus;

import java.nio.ByteBuffer;

/**
 * The volume the primary's NBD server serves: each request goes to the {@link WritePath} with the server's
 * completion as its context, and each {@link WriteStatus} comes back as the NBD error a client understands.
 * A write's reply means what the write path's completion means: durable on both controllers.
 * <p>
 * Not thread-safe: the NBD server and the write path run on the controller's one agent thread.
 */
final class MirroredVolume implements BlockVolume
{
    private WritePath writePath;

    /**
     * The write path, once it is built (it is told of completions through this volume, so it comes second).
     */
    void writePath(final WritePath writePath)
    {
        this.writePath = writePath;
    }

    /**
     * Tells the NBD client how its request ended; the write path's {@link io.tandem.primary.write.WriteCompletion}.
     */
    static void complete(final long token, final WriteStatus status, final Object context)
    {
        ((IoCompletion)context).onComplete(token, nbdError(status));
    }

    /**
     * @return the NBD error for {@code status}.
     */
    static int nbdError(final WriteStatus status)
    {
        switch (status)
        {
            case OK:
                return NbdProtocol.OK;
            case NO_SPACE:
                return NbdProtocol.ENOSPC;
            case SHUT_DOWN:
                return NbdProtocol.ESHUTDOWN;
            default:
                return NbdProtocol.EIO;
        }
    }

    public long size()
    {
        return writePath.size();
    }

    public int preferredBlockSize()
    {
        return writePath.pageSize();
    }

    public void submitRead(final long token, final long offset, final ByteBuffer dst, final IoCompletion completion)
    {
        writePath.read(token, offset, dst, completion);
    }

    public void submitWrite(
        final long token, final long offset, final ByteBuffer src, final boolean fua, final IoCompletion completion)
    {
        writePath.write(token, offset, src, completion);
    }

    public void submitFlush(final long token, final IoCompletion completion)
    {
        writePath.flush(token, completion);
    }

    /**
     * A trim leaves the data as it was, which NBD allows: trimmed content is undefined until written again.
     */
    public void submitTrim(
        final long token, final long offset, final long length, final boolean fua, final IoCompletion completion)
    {
        writePath.trim(token, completion);
    }

    public void submitWriteZeroes(
        final long token,
        final long offset,
        final long length,
        final boolean fua,
        final boolean noHole,
        final IoCompletion completion)
    {
        writePath.writeZeroes(token, offset, length, completion);
    }

    public void close()
    {
        // the write path belongs to the controller
    }
}
