package io.tandem.cli;

import io.tandem.raid.ArraySpec;
import picocli.CommandLine;

/**
 * Reads a pool layout ({@code single}, {@code raid5:4+1spare}, {@code raid10:2x2}, ...). Stateless; thread-safe.
 */
public final class ArraySpecConverter implements CommandLine.ITypeConverter<ArraySpec>
{
    public ArraySpec convert(final String value)
    {
        try
        {
            return ArraySpec.parse(value);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new CommandLine.TypeConversionException(ex.getMessage());
        }
    }
}
