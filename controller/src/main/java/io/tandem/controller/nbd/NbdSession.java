package io.tandem.controller.nbd;

/**
 * What one connection's client negotiated during option haggling and the transmission phase goes by: structured
 * replies (NBD_OPT_STRUCTURED_REPLY) and the metadata context it selected (NBD_OPT_SET_META_CONTEXT).
 * <p>
 * Not thread-safe: the server's agent thread only.
 */
final class NbdSession
{
    private boolean structuredReplies;
    private boolean baseAllocation;

    /**
     * Back to what a new connection starts with: simple replies, no metadata context.
     */
    void reset()
    {
        structuredReplies = false;
        baseAllocation = false;
    }

    /**
     * @return true once the client negotiated structured replies: READ is answered with OFFSET_DATA chunks, errors
     * with ERROR chunks.
     */
    boolean structuredReplies()
    {
        return structuredReplies;
    }

    void structuredReplies(final boolean structuredReplies)
    {
        this.structuredReplies = structuredReplies;
    }

    /**
     * @return true if the client selected {@code base:allocation}: it may send NBD_CMD_BLOCK_STATUS.
     */
    boolean baseAllocation()
    {
        return baseAllocation;
    }

    void baseAllocation(final boolean selected)
    {
        this.baseAllocation = selected;
    }
}
