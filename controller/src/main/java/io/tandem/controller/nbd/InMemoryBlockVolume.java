package io.tandem.controller.nbd;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * A volume held in off-heap memory, completing every request synchronously inside the {@code submit} call. TRIM
 * zeroes the range (a valid choice: trimmed content is undefined). FLUSH and FUA have nothing to make durable.
 * <p>
 * For tests, and as the simplest building block. Limited to {@link #MAX_SIZE} bytes.
 * <p>
 * Thread-safety: the {@code submit} methods are called by one thread (the server's agent). {@link #contents()}
 * is for checking what clients wrote once they have been answered (the bytes are copied before the reply is
 * sent); it is not a way to share the volume between threads while it is written.
 */
public final class InMemoryBlockVolume implements BlockVolume
{
    public static final long MAX_SIZE = 1L << 30;

    private final UnsafeBuffer memory;
    private final ByteBuffer byteBuffer;
    private final int preferredBlockSize;

    /**
     * @param size bytes, 1 to {@link #MAX_SIZE}.
     */
    public InMemoryBlockVolume(final long size)
    {
        this(size, 4096);
    }

    public InMemoryBlockVolume(final long size, final int preferredBlockSize)
    {
        if (size <= 0 || size > MAX_SIZE)
        {
            throw new IllegalArgumentException("size must be 1 to " + MAX_SIZE + ": " + size);
        }
        this.byteBuffer = ByteBuffer.allocateDirect((int)size);
        this.memory = new UnsafeBuffer(byteBuffer);
        this.preferredBlockSize = preferredBlockSize;
    }

    /**
     * @return the volume's bytes, to check what clients wrote.
     */
    public UnsafeBuffer contents()
    {
        return memory;
    }

    public long size()
    {
        return memory.capacity();
    }

    public int preferredBlockSize()
    {
        return preferredBlockSize;
    }

    public void submitRead(final long token, final long offset, final ByteBuffer dst, final IoCompletion completion)
    {
        final int length = dst.remaining();
        memory.getBytes((int)offset, dst, dst.position(), length);
        dst.position(dst.position() + length);
        completion.onComplete(token, NbdProtocol.OK);
    }

    public void submitWrite(
        final long token, final long offset, final ByteBuffer src, final boolean fua, final IoCompletion completion)
    {
        final int length = src.remaining();
        memory.putBytes((int)offset, src, src.position(), length);
        src.position(src.position() + length);
        completion.onComplete(token, NbdProtocol.OK);
    }

    public void submitFlush(final long token, final IoCompletion completion)
    {
        completion.onComplete(token, NbdProtocol.OK);
    }

    public void submitTrim(
        final long token, final long offset, final long length, final boolean fua, final IoCompletion completion)
    {
        memory.setMemory((int)offset, (int)length, (byte)0);
        completion.onComplete(token, NbdProtocol.OK);
    }

    public void submitWriteZeroes(
        final long token,
        final long offset,
        final long length,
        final boolean fua,
        final boolean noHole,
        final IoCompletion completion)
    {
        memory.setMemory((int)offset, (int)length, (byte)0);
        completion.onComplete(token, NbdProtocol.OK);
    }

    public void close()
    {
        BufferUtil.free(byteBuffer);
    }
}
