package io.tandem.primary.write;

/**
 * Told when a request to the {@link WritePath} ends. Called on the write path's thread, once per request, with
 * the token and the context the request came with.
 */
@FunctionalInterface
public interface WriteCompletion
{
    /**
     * @param token   the request's token, as submitted.
     * @param status  how it ended.
     * @param context the request's context, as submitted (the front end's own completion, say).
     */
    void complete(long token, WriteStatus status, Object context);
}
