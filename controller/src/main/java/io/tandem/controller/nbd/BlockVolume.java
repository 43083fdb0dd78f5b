package io.tandem.controller.nbd;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The volume behind the NBD server: what the server calls for every command a client sends.
 * <p>
 * The interface is asynchronous. Each {@code submit} call hands over one request identified by an opaque
 * {@code token} and returns at once; the volume reports the outcome later, exactly once, through the
 * {@link IoCompletion} passed with the request, from any thread (or synchronously from inside the call). The
 * server has already checked the request against the export (range, flags, read-only, maximum payload), so a
 * volume only sees requests it can attempt.
 * <p>
 * Buffers: the {@link ByteBuffer} handed to {@link #submitRead} and {@link #submitWrite} is a direct buffer owned
 * by the server, with its position at 0 and its limit at the request's length. The volume owns it from the call
 * until it reports completion and must not touch it afterwards; it may move the position and limit freely. A read
 * must fill the buffer from 0 to that limit before it completes successfully.
 * <p>
 * Ordering and durability, as NBD requires:
 * <ul>
 * <li>a request with {@code fua} set completes only once its data is on stable storage;</li>
 * <li>a flush completes only once every write the volume completed before the flush was submitted is on stable
 * storage — for every connection, since the server advertises NBD_FLAG_CAN_MULTI_CONN;</li>
 * <li>requests in flight at once may complete in any order; the server replies in completion order.</li>
 * </ul>
 * The server calls the {@code submit} methods from its one agent thread. Implementations say what else is
 * thread-safe.
 */
public interface BlockVolume extends AutoCloseable
{
    /**
     * @return the size of the volume in bytes; fixed for the life of the volume.
     */
    long size();

    /**
     * @return the block size clients should use to avoid read-modify-write, advertised as the preferred block size.
     */
    default int preferredBlockSize()
    {
        return 4096;
    }

    /**
     * Reads {@code dst.remaining()} bytes at {@code offset} into {@code dst}.
     */
    void submitRead(long token, long offset, ByteBuffer dst, IoCompletion completion);

    /**
     * Writes {@code src.remaining()} bytes at {@code offset}; durable before completion when {@code fua}.
     */
    void submitWrite(long token, long offset, ByteBuffer src, boolean fua, IoCompletion completion);

    /**
     * Makes every write completed so far durable.
     */
    void submitFlush(long token, IoCompletion completion);

    /**
     * Hints that {@code length} bytes at {@code offset} are no longer needed; their content is undefined until
     * written again. Doing nothing is a valid implementation.
     */
    void submitTrim(long token, long offset, long length, boolean fua, IoCompletion completion);

    /**
     * Writes {@code length} zero bytes at {@code offset}. {@code noHole} asks that the range stay allocated; a
     * volume that never deallocates may ignore it. {@code length} may exceed the maximum payload.
     */
    void submitWriteZeroes(long token, long offset, long length, boolean fua, boolean noHole, IoCompletion completion);

    /**
     * @return true if zeroing costs clearly less than writing the zeroes (nothing like the data is written), so
     * a WRITE_ZEROES with NBD_CMD_FLAG_FAST_ZERO is served; false, and such a request fails at once with
     * {@code ENOTSUP}, as the protocol asks of a volume that would only write zeroes.
     */
    default boolean zeroesFast()
    {
        return false;
    }

    /**
     * Describes the {@code base:allocation} status of {@code length} bytes at {@code offset}: appends extents with
     * {@link NbdExtents#append} to {@code extents} (position 0, room up to its limit, big-endian), in order from
     * {@code offset}, and stops when the range is covered or the buffer is full. At least one extent.
     * <p>
     * An extent may carry {@link NbdProtocol#STATE_ZERO} only if reading it returns zeroes, and go on doing so
     * until it is written again: a client that copies the volume skips such extents, so a wrong one loses data.
     * {@link NbdProtocol#STATE_HOLE} says the extent is not allocated. Flags 0 (allocated, contents unknown) is
     * always true, and the default: one extent of the whole range.
     */
    default void submitBlockStatus(
        final long token, final long offset, final long length, final ByteBuffer extents, final IoCompletion completion)
    {
        NbdExtents.append(extents, length, 0);
        completion.onComplete(token, NbdProtocol.OK);
    }

    /**
     * Releases what the volume holds; called by its owner after the server has closed.
     */
    @Override
    default void close() throws IOException
    {
    }
}
