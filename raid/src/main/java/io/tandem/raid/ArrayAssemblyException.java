package io.tandem.raid;

import java.io.IOException;

/**
 * The devices given do not make an array: a device that is no member, members of two arrays, a slot claimed
 * twice, or too few members left to read every stripe. Nothing was written to any of them.
 */
public final class ArrayAssemblyException extends IOException
{
    private static final long serialVersionUID = 1L;

    public ArrayAssemblyException(final String message)
    {
        super(message);
    }
}
