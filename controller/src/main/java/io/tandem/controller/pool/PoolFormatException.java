package io.tandem.controller.pool;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A pool file that is not what this controller expects: not a superblock, another format version, another
 * cluster, another volume geometry, or damaged. Raised before anything is written.
 */
public final class PoolFormatException extends IOException
{
    private static final long serialVersionUID = 1L;

    public PoolFormatException(final Path file, final String problem)
    {
        super(file + ": " + problem);
    }
}
