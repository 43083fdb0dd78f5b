package io.tandem.cli;

import io.tandem.controller.ControllerContext.MirrorLossPolicy;
import picocli.CommandLine;

import java.util.Locale;

/**
 * Reads a mirror-loss policy, {@code suspend} or {@code continue}, in any case. Stateless; thread-safe.
 */
public final class MirrorLossConverter implements CommandLine.ITypeConverter<MirrorLossPolicy>
{
    public MirrorLossPolicy convert(final String value)
    {
        try
        {
            return MirrorLossPolicy.valueOf(value.trim().toUpperCase(Locale.ROOT));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a policy: suspend or continue");
        }
    }
}
