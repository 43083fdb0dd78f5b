package io.tandem.controller.nbd;

/**
 * Where a {@link BlockVolume} reports that a request it was given has finished.
 * <p>
 * The server's implementation is thread-safe, never blocks and never allocates: it may be called from any thread,
 * including from inside the {@code submit} call itself.
 */
@FunctionalInterface
public interface IoCompletion
{
    /**
     * Reports that the request {@code token} has finished. Called exactly once per submitted request.
     *
     * @param token the token the request was submitted with.
     * @param error {@link NbdProtocol#OK} on success, else one of the NBD error values of {@link NbdProtocol}
     *              ({@code EIO}, {@code ENOSPC}, {@code EPERM}, {@code EINVAL}, {@code ESHUTDOWN}...), sent to
     *              the client as is.
     */
    void onComplete(long token, int error);
}
