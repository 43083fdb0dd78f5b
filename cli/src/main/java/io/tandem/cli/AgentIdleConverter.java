package io.tandem.cli;

import io.tandem.controller.ControllerContext.AgentIdle;
import picocli.CommandLine;

import java.util.Locale;

/**
 * Reads how a controller's agent idles, {@code select} or {@code backoff}, in any case. Stateless; thread-safe.
 */
public final class AgentIdleConverter implements CommandLine.ITypeConverter<AgentIdle>
{
    public AgentIdle convert(final String value)
    {
        try
        {
            return AgentIdle.valueOf(value.trim().toUpperCase(Locale.ROOT));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new CommandLine.TypeConversionException("'" + value + "' is not an idle mode: select or backoff");
        }
    }
}
