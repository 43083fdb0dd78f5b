package io.tandem.cli;

import picocli.CommandLine;

import java.time.Duration;
import java.util.Locale;

/**
 * Reads a duration: {@code 10s}, {@code 500ms}, {@code 2m}, {@code 1h}, {@code 250us}; a bare number is seconds.
 * <p>
 * Stateless; thread-safe.
 */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration>
{
    public Duration convert(final String value)
    {
        final String text = value.trim().toLowerCase(Locale.ROOT);
        int end = 0;
        while (end < text.length() && (Character.isDigit(text.charAt(end)) || '.' == text.charAt(end)))
        {
            end++;
        }
        final double number;
        try
        {
            number = Double.parseDouble(text.substring(0, end));
        }
        catch (final NumberFormatException ex)
        {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a duration (e.g. 10s, 500ms, 2m)");
        }
        final double nanosPerUnit;
        switch (text.substring(end).trim())
        {
            case "": case "s": nanosPerUnit = 1e9; break;
            case "ms": nanosPerUnit = 1e6; break;
            case "us": nanosPerUnit = 1e3; break;
            case "m": case "min": nanosPerUnit = 60e9; break;
            case "h": nanosPerUnit = 3600e9; break;
            default:
                throw new CommandLine.TypeConversionException("'" + value + "': unknown unit (use ms, s, m or h)");
        }
        final double nanos = number * nanosPerUnit;
        if (nanos > Long.MAX_VALUE / 2.0)
        {
            throw new CommandLine.TypeConversionException("'" + value + "' is too long");
        }
        return Duration.ofNanos((long)nanos);
    }
}
