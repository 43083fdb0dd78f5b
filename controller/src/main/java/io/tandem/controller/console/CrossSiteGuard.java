package io.tandem.controller.console;

import com.sun.net.httpserver.HttpExchange;

/**
 * Keeps other web sites out of the console's API, which controls the pair: a request must name this server by an
 * address literal or {@code localhost} in its {@code Host} (so a DNS name rebound to loopback does not reach it),
 * any {@code Origin} it carries must be this same server, and a mutating request must be a {@code POST} with the
 * {@value #HEADER} header, which a page of another origin cannot send without a CORS preflight this server never
 * answers.
 * <p>
 * Stateless; thread-safe.
 */
public final class CrossSiteGuard
{
    /** The header the console's script sends with every request that changes something. */
    public static final String HEADER = "X-Tandem-Console";

    private CrossSiteGuard()
    {
    }

    /**
     * @return why the request is refused, or null if it may go on.
     */
    public static String refusal(final HttpExchange exchange, final boolean mutating)
    {
        final String host = exchange.getRequestHeaders().getFirst("Host");
        if (null == host || !isLiteralOrLocalhost(host))
        {
            return "the Host header must be this server's address or localhost, not " + host;
        }
        final String origin = exchange.getRequestHeaders().getFirst("Origin");
        if (null != origin && !origin.equals("http://" + host))
        {
            return "cross-origin requests are refused (Origin " + origin + ")";
        }
        if (mutating)
        {
            if (!"POST".equals(exchange.getRequestMethod()))
            {
                return "operations are POST only";
            }
            if (null == exchange.getRequestHeaders().getFirst(HEADER))
            {
                return "operations need the " + HEADER + " header the console sends";
            }
        }
        return null;
    }

    private static boolean isLiteralOrLocalhost(final String hostHeader)
    {
        String host = hostHeader;
        if (host.startsWith("["))
        {
            final int end = host.indexOf(']');
            return end > 0; // an IPv6 literal
        }
        final int colon = host.lastIndexOf(':');
        if (colon >= 0)
        {
            host = host.substring(0, colon);
        }
        if ("localhost".equalsIgnoreCase(host))
        {
            return true;
        }
        final String[] parts = host.split("\\.", -1);
        if (4 != parts.length)
        {
            return false;
        }
        for (final String part : parts)
        {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit))
            {
                return false;
            }
        }
        return true;
    }
}
