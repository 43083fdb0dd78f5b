package io.tandem.interconnect.path;

import io.aeron.ChannelUri;
import io.aeron.CommonContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The Aeron channels of the paths. Path {@code i} is a pair of UDP unicast channels on loopback:
 * <ul>
 * <li>data, primary to secondary: the secondary subscribes at {@code address(i):dataPortBase+i};</li>
 * <li>acks and heartbeats, secondary to primary: the primary subscribes at {@code address(i):ackPortBase+i}.</li>
 * </ul>
 * Each channel carries an {@code alias} of the form {@code tandem-path-<i>-data} or {@code tandem-path-<i>-ack};
 * the fault injector finds a channel's path from it inside the media driver ({@link #pathOf(String)}).
 * <p>
 * Thread-safe: immutable.
 */
public final class PathChannels
{
    public static final String ALIAS_PREFIX = "tandem-path-";
    public static final int DATA_STREAM_ID = 0x7a6d01;
    public static final int ACK_STREAM_ID = 0x7a6d02;

    private static final int ACK_TERM_LENGTH = 1 << 20;
    private static final Path RMEM_MAX = Path.of("/proc/sys/net/core/rmem_max");
    private static final int RECEIVE_BUFFER_LIMIT = readReceiveBufferLimit();

    private PathChannels()
    {
    }

    /**
     * @return the channel the primary publishes records on.
     */
    public static String dataPublication(
        final int path, final String address, final int port, final int mtuLength, final int termLength)
    {
        return "aeron:udp?endpoint=" + address + ':' + port +
            '|' + CommonContext.MTU_LENGTH_PARAM_NAME + '=' + mtuLength +
            '|' + CommonContext.TERM_LENGTH_PARAM_NAME + '=' + termLength +
            '|' + CommonContext.SPARSE_PARAM_NAME + "=true" +
            '|' + CommonContext.ALIAS_PARAM_NAME + '=' + alias(path, "data");
    }

    /**
     * @param receiverWindow bytes the publisher may have in flight; the receive buffer is asked for the same, at
     *                       most {@link #receiveBufferLimit()}, and the window is kept within what the buffer holds.
     * @return the channel the secondary receives records on.
     */
    public static String dataSubscription(
        final int path, final String address, final int port, final int receiverWindow)
    {
        final int window = Math.min(receiverWindow, RECEIVE_BUFFER_LIMIT);
        return "aeron:udp?endpoint=" + address + ':' + port +
            '|' + CommonContext.SOCKET_RCVBUF_PARAM_NAME + '=' + window +
            '|' + CommonContext.RECEIVER_WINDOW_LENGTH_PARAM_NAME + '=' + window +
            '|' + CommonContext.ALIAS_PARAM_NAME + '=' + alias(path, "data");
    }

    /**
     * @return the largest receive buffer the kernel grants ({@code net.core.rmem_max}), or
     *         {@link Integer#MAX_VALUE} when it cannot be read.
     */
    public static int receiveBufferLimit()
    {
        return RECEIVE_BUFFER_LIMIT;
    }

    private static int readReceiveBufferLimit()
    {
        try
        {
            // a /proc file reports size 0, which Files.readString takes at its word after one byte
            final long max = Long.parseLong(Files.readAllLines(RMEM_MAX).get(0).trim());
            return (int)Math.min(Integer.MAX_VALUE, Math.max(max, 0));
        }
        catch (final IOException | RuntimeException ex)
        {
            return Integer.MAX_VALUE;
        }
    }

    /**
     * @return the channel the secondary publishes acks and heartbeats on.
     */
    public static String ackPublication(final int path, final String address, final int port)
    {
        return "aeron:udp?endpoint=" + address + ':' + port +
            '|' + CommonContext.TERM_LENGTH_PARAM_NAME + '=' + ACK_TERM_LENGTH +
            '|' + CommonContext.SPARSE_PARAM_NAME + "=true" +
            '|' + CommonContext.ALIAS_PARAM_NAME + '=' + alias(path, "ack");
    }

    /**
     * @return the channel the primary receives acks and heartbeats on.
     */
    public static String ackSubscription(final int path, final String address, final int port)
    {
        return "aeron:udp?endpoint=" + address + ':' + port +
            '|' + CommonContext.ALIAS_PARAM_NAME + '=' + alias(path, "ack");
    }

    static String alias(final int path, final String direction)
    {
        return ALIAS_PREFIX + path + '-' + direction;
    }

    /**
     * @return the path a channel belongs to, from its alias, or -1 when it is not a path's channel.
     */
    public static int pathOf(final String alias)
    {
        if (null == alias || !alias.startsWith(ALIAS_PREFIX))
        {
            return -1;
        }
        final int end = alias.indexOf('-', ALIAS_PREFIX.length());
        if (end <= ALIAS_PREFIX.length())
        {
            return -1;
        }
        try
        {
            return Integer.parseInt(alias, ALIAS_PREFIX.length(), end, 10);
        }
        catch (final NumberFormatException ex)
        {
            return -1;
        }
    }

    /**
     * @return the path of a channel URI, from its alias, or -1.
     */
    public static int pathOf(final ChannelUri uri)
    {
        return pathOf(uri.get(CommonContext.ALIAS_PARAM_NAME));
    }
}
