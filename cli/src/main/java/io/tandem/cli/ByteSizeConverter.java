package io.tandem.cli;

import picocli.CommandLine;

import java.util.Locale;

/**
 * Reads a size in bytes: {@code 4096}, {@code 4k}, {@code 64KiB}, {@code 1m}, {@code 2G} (binary multiples).
 * <p>
 * Stateless; thread-safe.
 */
public final class ByteSizeConverter implements CommandLine.ITypeConverter<Long>
{
    public Long convert(final String value)
    {
        return parse(value);
    }

    public static long parse(final String value)
    {
        final String text = value.trim().toLowerCase(Locale.ROOT);
        int end = 0;
        while (end < text.length() && Character.isDigit(text.charAt(end)))
        {
            end++;
        }
        if (0 == end)
        {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a size (e.g. 4096, 4k, 1M, 2G)");
        }
        final String unit = text.substring(end).trim();
        final int shift;
        switch (unit)
        {
            case "": case "b": shift = 0; break;
            case "k": case "kb": case "kib": shift = 10; break;
            case "m": case "mb": case "mib": shift = 20; break;
            case "g": case "gb": case "gib": shift = 30; break;
            case "t": case "tb": case "tib": shift = 40; break;
            default:
                throw new CommandLine.TypeConversionException("'" + value + "': unknown unit '" + unit +
                    "' (use k, M, G or T)");
        }
        try
        {
            final long number = Long.parseLong(text.substring(0, end));
            if (number > Long.MAX_VALUE >> shift)
            {
                throw new CommandLine.TypeConversionException("'" + value + "' is too large");
            }
            return number << shift;
        }
        catch (final NumberFormatException ex)
        {
            throw new CommandLine.TypeConversionException("'" + value + "' is too large");
        }
    }
}
