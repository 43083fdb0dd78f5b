package io.tandem.cli;

import io.tandem.controller.nbd.BlockVolume;
import io.tandem.controller.nbd.IoCompletion;

import java.nio.ByteBuffer;

/**
 * A volume that returns bad data: every {@code period}-th read has one byte flipped on its way to the client.
 * What it holds stays right. Called on the server's one thread, like any volume.
 */
final class CorruptingVolume implements BlockVolume
{
    private final BlockVolume delegate;
    private final int period;
    private long reads;

    CorruptingVolume(final BlockVolume delegate, final int period)
    {
        this.delegate = delegate;
        this.period = period;
    }

    public long size()
    {
        return delegate.size();
    }

    public void submitRead(final long token, final long offset, final ByteBuffer dst, final IoCompletion completion)
    {
        final int index = dst.position() + 100;
        final boolean corrupt = ++reads % period == 0;
        delegate.submitRead(token, offset, dst, (t, error) ->
        {
            if (corrupt)
            {
                dst.put(index, (byte)(dst.get(index) ^ 0x40));
            }
            completion.onComplete(t, error);
        });
    }

    public void submitWrite(
        final long token, final long offset, final ByteBuffer src, final boolean fua, final IoCompletion completion)
    {
        delegate.submitWrite(token, offset, src, fua, completion);
    }

    public void submitFlush(final long token, final IoCompletion completion)
    {
        delegate.submitFlush(token, completion);
    }

    public void submitTrim(
        final long token, final long offset, final long length, final boolean fua, final IoCompletion completion)
    {
        delegate.submitTrim(token, offset, length, fua, completion);
    }

    public void submitWriteZeroes(
        final long token, final long offset, final long length, final boolean fua, final boolean noHole,
        final IoCompletion completion)
    {
        delegate.submitWriteZeroes(token, offset, length, fua, noHole, completion);
    }
}
