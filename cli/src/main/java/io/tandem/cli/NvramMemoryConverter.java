package io.tandem.cli;

import picocli.CommandLine;

/**
 * Reads {@code --nvram-memory}: a directory, or {@code none}. Stateless; thread-safe.
 */
public final class NvramMemoryConverter implements CommandLine.ITypeConverter<String>
{
    public String convert(final String value)
    {
        final String trimmed = value.trim();
        if (trimmed.isEmpty())
        {
            throw new CommandLine.TypeConversionException(
                "'" + value + "' is not a directory: name one on a tmpfs (such as /dev/shm/tandem-nvram), or none");
        }
        return trimmed;
    }
}
