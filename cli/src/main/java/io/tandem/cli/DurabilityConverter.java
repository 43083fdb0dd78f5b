package io.tandem.cli;

import io.tandem.staging.Durability;
import picocli.CommandLine;

import java.util.Locale;

/**
 * Reads a durability level, {@code process} or {@code power}, in any case. Stateless; thread-safe.
 */
public final class DurabilityConverter implements CommandLine.ITypeConverter<Durability>
{
    public Durability convert(final String value)
    {
        try
        {
            return Durability.valueOf(value.trim().toUpperCase(Locale.ROOT));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a durability: process or power");
        }
    }
}
