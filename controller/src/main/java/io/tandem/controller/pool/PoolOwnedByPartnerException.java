package io.tandem.controller.pool;

/**
 * A controller cannot serve as primary because its partner owns the pool at a newer epoch: it found it so at start,
 * or the partner fenced it while it started (took over while this one was replaying its log). The controller's
 * place is then as the partner's secondary.
 */
public final class PoolOwnedByPartnerException extends IllegalStateException
{
    private static final long serialVersionUID = 1L;

    public PoolOwnedByPartnerException(final String message)
    {
        super(message);
    }
}
