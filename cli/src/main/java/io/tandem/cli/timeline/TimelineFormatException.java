package io.tandem.cli.timeline;

/**
 * A timeline file that cannot be read: the message names the file, the line and what is wrong with it.
 */
public final class TimelineFormatException extends Exception
{
    private static final long serialVersionUID = 1L;

    public TimelineFormatException(final String message)
    {
        super(message);
    }
}
