package io.tandem.interconnect.path;

import org.agrona.DirectBuffer;

/**
 * What the mirror protocol needs from the paths: send a frame on a path, receive the frames of a path, and ask
 * whether a path's outgoing half is connected. One implementation runs over Aeron
 * ({@link AeronPathTransport}); tests plug in an in-memory one that loses frames on command, so the protocol can
 * be stepped with a fake clock.
 * <p>
 * Implementations are not thread-safe: the owning duty cycle calls them.
 */
public interface PathTransport
{
    /** Result of {@link #offer}: the frame could not be taken now (not connected, back pressure); try later. */
    long NOT_SENT = -1;

    /** Receives each whole frame that arrived on a path. */
    @FunctionalInterface
    interface FrameHandler
    {
        void onFrame(int path, DirectBuffer buffer, int offset, int length);
    }

    int pathCount();

    /**
     * Sends one frame on a path; never blocks.
     *
     * @return a positive value when taken, a negative one when not.
     */
    default long offer(final int path, final DirectBuffer buffer, final int offset, final int length)
    {
        return offer(path, buffer, offset, length, buffer, offset + length, 0);
    }

    /**
     * Sends one frame made of two parts, each from where it lies (a header, then a payload), without first
     * joining them; never blocks.
     *
     * @return a positive value when taken, a negative one when not.
     */
    long offer(
        int path,
        DirectBuffer headBuffer,
        int headOffset,
        int headLength,
        DirectBuffer bodyBuffer,
        int bodyOffset,
        int bodyLength);

    /**
     * @return true when frames offered on the path have somewhere to go.
     */
    boolean isConnected(int path);

    /**
     * Hands up to {@code fragmentLimit} arrived frames of a path to {@code handler}.
     *
     * @return how many fragments were read.
     */
    int poll(int path, FrameHandler handler, int fragmentLimit);
}
