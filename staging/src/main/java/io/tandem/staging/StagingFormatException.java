package io.tandem.staging;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A device file that is not what the context describes: wrong magic, unknown format version, wrong length,
 * damaged header, or another geometry. Raised before anything is written, so the file is left as it was.
 */
public final class StagingFormatException extends IOException
{
    private static final long serialVersionUID = 1L;

    private final Path file;

    public StagingFormatException(final Path file, final String problem)
    {
        super(file + ": " + problem);
        this.file = file;
    }

    /**
     * @return the file that was refused.
     */
    public Path file()
    {
        return file;
    }
}
