package io.tandem.secondary;

import io.tandem.controller.nbd.BlockVolume;
import io.tandem.controller.nbd.IoCompletion;
import io.tandem.controller.nbd.NbdProtocol;

import java.nio.ByteBuffer;

/**
 * The volume a secondary exports before it takes over: the right size, so clients can connect and see it, but
 * every request is refused with ESHUTDOWN (the server refuses I/O before it gets here; this is the backstop).
 * Thread-safe (stateless).
 */
final class StandbyVolume implements BlockVolume
{
    private final long size;

    StandbyVolume(final long size)
    {
        this.size = size;
    }

    public long size()
    {
        return size;
    }

    public void submitRead(final long token, final long offset, final ByteBuffer dst, final IoCompletion completion)
    {
        completion.onComplete(token, NbdProtocol.ESHUTDOWN);
    }

    public void submitWrite(
        final long token, final long offset, final ByteBuffer src, final boolean fua, final IoCompletion completion)
    {
        completion.onComplete(token, NbdProtocol.ESHUTDOWN);
    }

    public void submitFlush(final long token, final IoCompletion completion)
    {
        completion.onComplete(token, NbdProtocol.ESHUTDOWN);
    }

    public void submitTrim(
        final long token, final long offset, final long length, final boolean fua, final IoCompletion completion)
    {
        completion.onComplete(token, NbdProtocol.ESHUTDOWN);
    }

    public void submitWriteZeroes(
        final long token,
        final long offset,
        final long length,
        final boolean fua,
        final boolean noHole,
        final IoCompletion completion)
    {
        completion.onComplete(token, NbdProtocol.ESHUTDOWN);
    }
}
