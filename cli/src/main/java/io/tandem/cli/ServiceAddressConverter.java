package io.tandem.cli;

import picocli.CommandLine;

import java.net.InetSocketAddress;

/**
 * Reads the volume's service address: {@code host:port} as {@link TargetConverter} reads it, or {@code none}
 * (null: each controller's own NBD port only).
 * <p>
 * Stateless; thread-safe.
 */
public final class ServiceAddressConverter implements CommandLine.ITypeConverter<InetSocketAddress>
{
    public InetSocketAddress convert(final String value)
    {
        return "none".equalsIgnoreCase(value.trim()) ? null : new TargetConverter().convert(value);
    }
}
