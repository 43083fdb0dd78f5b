package io.tandem.primary;

import io.tandem.controller.nbd.BlockVolume;
import io.tandem.controller.nbd.NbdExtents;
import io.tandem.controller.pool.AllocationMap;
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
     * The whole blocks trimmed become holes, reading as zeroes, which NBD allows (trimmed content is undefined until
     * written again); logged and mirrored as a zeroing. See {@link WritePath#trim}.
     */
    public void submitTrim(
        final long token, final long offset, final long length, final boolean fua, final IoCompletion completion)
    {
        writePath.trim(token, offset, length, completion);
    }

    public void submitWriteZeroes(
        final long token,
        final long offset,
        final long length,
        final boolean fua,
        final boolean noHole,
        final IoCompletion completion)
    {
        writePath.writeZeroes(token, offset, length, !noHole, completion);
    }

    /**
     * Zeroing whole blocks writes only the allocation map (and the NVLog record that says so): no bytes of the
     * range, so FAST_ZERO is served.
     */
    public boolean zeroesFast()
    {
        return true;
    }

    /**
     * The {@code base:allocation} extents of the range from the allocation map the write cache keeps: what every
     * write applied so far left, the ones not yet acknowledged included (as a read returns them).
     */
    public void submitBlockStatus(
        final long token, final long offset, final long length, final ByteBuffer extents, final IoCompletion completion)
    {
        final WriteStatus refusal = writePath.refusal();
        if (null != refusal)
        {
            completion.onComplete(token, nbdError(refusal));
            return;
        }
        final AllocationMap map = writePath.allocationMap();
        final int shift = map.blockShift();
        final long end = offset + length;
        long at = offset;
        while (at < end)
        {
            final long block = at >>> shift;
            final long runEnd = Math.min(end, (block + map.run(block, ((end - 1) >>> shift) - block + 1)) << shift);
            if (!NbdExtents.append(extents, runEnd - at, map.state(block)))
            {
                break;
            }
            at = runEnd;
        }
        completion.onComplete(token, NbdProtocol.OK);
    }

    public void close()
    {
        // the write path belongs to the controller
    }
}
