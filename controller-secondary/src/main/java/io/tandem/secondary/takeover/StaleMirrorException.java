package io.tandem.secondary.takeover;

/**
 * An automatic takeover refused because the superblock says the mirror is stale: the partner acknowledged writes
 * that only it held, and taking over from this mirror would lose them. The message says what would be lost; a
 * forced takeover goes ahead anyway.
 */
public final class StaleMirrorException extends IllegalStateException
{
    private static final long serialVersionUID = 1L;

    public StaleMirrorException(final String message)
    {
        super(message);
    }
}
