package io.tandem.secondary.takeover;

/**
 * A stream of the mirror log lacks records the partner sent on it, or holds them out of order: replaying it
 * would lose acknowledged writes or apply them in the wrong order. The message names the stream and the
 * sequences.
 */
public final class MirrorGapException extends IllegalStateException
{
    private static final long serialVersionUID = 1L;

    private final int stream;

    public MirrorGapException(final int stream, final String message)
    {
        super(message);
        this.stream = stream;
    }

    public int stream()
    {
        return stream;
    }
}
