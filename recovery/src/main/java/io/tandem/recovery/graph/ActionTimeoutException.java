package io.tandem.recovery.graph;

/**
 * The cause recorded for an action whose DO or UNDO ran past its timeout.
 * <p>
 * Immutable; thread-safe.
 */
public final class ActionTimeoutException extends Exception
{
    private static final long serialVersionUID = 1L;

    public ActionTimeoutException(final String message)
    {
        super(message);
    }
}
