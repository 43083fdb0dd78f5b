package io.tandem.nvlog;

import java.io.IOException;
import java.nio.file.Path;

/**
 * An NVRAM device that does not hold this cluster's NVLog in this format: not a log, another format version,
 * another cluster, another geometry, or a damaged header. Raised before anything is written, so the device is
 * left as it was.
 */
public final class NvLogFormatException extends IOException
{
    private static final long serialVersionUID = 1L;

    private final transient Path file;

    public NvLogFormatException(final Path file, final String problem)
    {
        super(file + ": " + problem);
        this.file = file;
    }

    /**
     * @return the device file that was refused.
     */
    public Path file()
    {
        return file;
    }
}
