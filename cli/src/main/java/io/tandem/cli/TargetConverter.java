package io.tandem.cli;

import picocli.CommandLine;

import java.net.InetSocketAddress;

/**
 * Reads an NBD server address: {@code host:port}, {@code [v6addr]:port}, {@code nbd://host:port}, or a bare port
 * on 127.0.0.1. A host name is resolved here, so a name that does not resolve is a usage error.
 * <p>
 * Stateless; thread-safe.
 */
public final class TargetConverter implements CommandLine.ITypeConverter<InetSocketAddress>
{
    public static final String DEFAULT_HOST = "127.0.0.1";

    public InetSocketAddress convert(final String value)
    {
        String text = value.trim();
        if (text.startsWith("nbd://"))
        {
            text = text.substring("nbd://".length());
        }
        if (text.endsWith("/"))
        {
            text = text.substring(0, text.length() - 1);
        }
        final int colon = text.lastIndexOf(':');
        String host = colon < 0 ? DEFAULT_HOST : text.substring(0, colon);
        final String port = colon < 0 ? text : text.substring(colon + 1);
        if (host.startsWith("[") && host.endsWith("]"))
        {
            host = host.substring(1, host.length() - 1);
        }
        if (host.isEmpty())
        {
            host = DEFAULT_HOST;
        }
        final int number;
        try
        {
            number = Integer.parseInt(port);
        }
        catch (final NumberFormatException ex)
        {
            throw new CommandLine.TypeConversionException("'" + value + "' is not host:port");
        }
        if (number < 1 || number > 65535)
        {
            throw new CommandLine.TypeConversionException("'" + value + "': port must be 1 to 65535");
        }
        final InetSocketAddress address = new InetSocketAddress(host, number);
        if (address.isUnresolved())
        {
            throw new CommandLine.TypeConversionException("'" + value + "': unknown host " + host);
        }
        return address;
    }
}
