package io.tandem.controller.nbd;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.charset.StandardCharsets;

import static io.tandem.controller.nbd.NbdProtocol.BYTE_ORDER;

/**
 * Answers NBD_OPT_LIST_META_CONTEXT and NBD_OPT_SET_META_CONTEXT. The data of both (big-endian):
 * <pre>
 *  | export name length (32) | export name | query count (32) | (query length (32) | query (UTF-8)) x count |
 * </pre>
 * The one context offered is {@code base:allocation}. A query names a context by namespace and name
 * ({@code base:allocation}); listing also takes a namespace alone ({@code base:}), and no query at all lists every
 * context. A query of another namespace selects nothing, which is not an error: the reply is then NBD_REP_ACK
 * alone. Replies: one NBD_REP_META_CONTEXT per context matched (id 0 when listing, as the protocol asks;
 * {@link NbdProtocol#CONTEXT_ID_BASE_ALLOCATION} when selecting), then NBD_REP_ACK.
 * <p>
 * Errors, each with a message, after which the client may go on with other options:
 * <ul>
 * <li>NBD_REP_ERR_INVALID: structured replies not negotiated first; data shorter or longer than its fields say;
 * a query without a namespace ({@code name:});</li>
 * <li>NBD_REP_ERR_TOO_BIG: a query longer than 4096 bytes (the protocol's limit for a string);</li>
 * <li>NBD_REP_ERR_UNKNOWN: an export name that is not this server's.</li>
 * </ul>
 * A selection that fails selects nothing. Not thread-safe: the server's agent thread only.
 */
final class NbdMetaContextOption
{
    static final int MAX_QUERY_LENGTH = 4096;

    private static final byte[] BASE_ALLOCATION = NbdProtocol.CONTEXT_BASE_ALLOCATION.getBytes(
        StandardCharsets.US_ASCII);
    private static final int BASE_NAMESPACE_LENGTH = "base:".length();

    private static final byte[] MSG_NOT_STRUCTURED =
        ascii("metadata contexts need structured replies: send NBD_OPT_STRUCTURED_REPLY first");
    private static final byte[] MSG_MALFORMED = ascii("malformed meta context data: lengths do not match the option's");
    private static final byte[] MSG_NO_NAMESPACE = ascii("a meta context query starts with a namespace, as base:");
    private static final byte[] MSG_TOO_BIG = ascii("a meta context query is longer than 4096 bytes");
    private static final byte[] MSG_UNKNOWN = ascii("no such export; use the empty name or the one NBD_OPT_LIST gives");

    private final NbdOptionReplyEncoder reply = new NbdOptionReplyEncoder();

    /**
     * Answers one LIST or SET option whose data is in {@code src}.
     *
     * @param exportNames tells whether a name is this server's export.
     * @return the length of the replies written at {@code dstOffset}.
     */
    int onOption(
        final int option,
        final DirectBuffer src,
        final int dataOffset,
        final int dataLength,
        final NbdSession session,
        final NbdOptionHandler exportNames,
        final MutableDirectBuffer dst,
        final int dstOffset)
    {
        final boolean select = NbdProtocol.OPT_SET_META_CONTEXT == option;
        if (select)
        {
            session.baseAllocation(false);
        }
        if (!session.structuredReplies())
        {
            return reply.wrap(dst, dstOffset).withData(option, NbdProtocol.REP_ERR_INVALID, MSG_NOT_STRUCTURED);
        }
        final int end = dataOffset + dataLength;
        if (dataLength < 8)
        {
            return invalid(option, dst, dstOffset);
        }
        final long nameLength = src.getInt(dataOffset, BYTE_ORDER) & 0xFFFF_FFFFL;
        if (nameLength > dataLength - 8)
        {
            return invalid(option, dst, dstOffset);
        }
        final int nameOffset = dataOffset + 4;
        int position = nameOffset + (int)nameLength;
        final long count = src.getInt(position, BYTE_ORDER) & 0xFFFF_FFFFL;
        position += 4;

        boolean matched = 0 == count && !select; // listing with no query lists every context
        for (long i = 0; i < count; i++)
        {
            if (end - position < 4)
            {
                return invalid(option, dst, dstOffset);
            }
            final long queryLength = src.getInt(position, BYTE_ORDER) & 0xFFFF_FFFFL;
            position += 4;
            if (queryLength > end - position)
            {
                return invalid(option, dst, dstOffset);
            }
            if (queryLength > MAX_QUERY_LENGTH)
            {
                return reply.wrap(dst, dstOffset).withData(option, NbdProtocol.REP_ERR_TOO_BIG, MSG_TOO_BIG);
            }
            final int length = (int)queryLength;
            if (!hasNamespace(src, position, length))
            {
                return reply.wrap(dst, dstOffset).withData(option, NbdProtocol.REP_ERR_INVALID, MSG_NO_NAMESPACE);
            }
            matched |= isBaseAllocation(src, position, length) ||
                (!select && BASE_NAMESPACE_LENGTH == length && startsWithBase(src, position));
            position += length;
        }
        if (position != end)
        {
            return invalid(option, dst, dstOffset);
        }
        if (!exportNames.isExport(src, nameOffset, (int)nameLength))
        {
            return reply.wrap(dst, dstOffset).withData(option, NbdProtocol.REP_ERR_UNKNOWN, MSG_UNKNOWN);
        }

        int written = 0;
        if (matched)
        {
            written += reply.wrap(dst, dstOffset).metaContext(
                option, select ? NbdProtocol.CONTEXT_ID_BASE_ALLOCATION : 0, BASE_ALLOCATION);
            if (select)
            {
                session.baseAllocation(true);
            }
        }
        written += reply.wrap(dst, dstOffset + written).header(option, NbdProtocol.REP_ACK, 0);
        return written;
    }

    private int invalid(final int option, final MutableDirectBuffer dst, final int dstOffset)
    {
        return reply.wrap(dst, dstOffset).withData(option, NbdProtocol.REP_ERR_INVALID, MSG_MALFORMED);
    }

    /**
     * @return true if the query starts with a namespace: at least one byte, then a colon.
     */
    private static boolean hasNamespace(final DirectBuffer src, final int offset, final int length)
    {
        for (int i = 1; i < length; i++)
        {
            if (':' == src.getByte(offset + i))
            {
                return true;
            }
        }
        return false;
    }

    private static boolean startsWithBase(final DirectBuffer src, final int offset)
    {
        for (int i = 0; i < BASE_NAMESPACE_LENGTH; i++)
        {
            if (src.getByte(offset + i) != BASE_ALLOCATION[i])
            {
                return false;
            }
        }
        return true;
    }

    private static boolean isBaseAllocation(final DirectBuffer src, final int offset, final int length)
    {
        if (length != BASE_ALLOCATION.length)
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            if (src.getByte(offset + i) != BASE_ALLOCATION[i])
            {
                return false;
            }
        }
        return true;
    }

    private static byte[] ascii(final String text)
    {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
