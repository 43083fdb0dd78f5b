package io.tandem.controller.nbd;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.charset.StandardCharsets;

import static io.tandem.controller.nbd.NbdProtocol.BYTE_ORDER;

/**
 * Answers the options of the fixed newstyle handshake for the server's one export.
 * <ul>
 * <li>NBD_OPT_EXPORT_NAME: the export data, then transmission; an unknown name closes the connection (the option
 * cannot carry an error).</li>
 * <li>NBD_OPT_INFO and NBD_OPT_GO: NBD_INFO_EXPORT and NBD_INFO_BLOCK_SIZE always, NBD_INFO_NAME and
 * NBD_INFO_DESCRIPTION when asked, then NBD_REP_ACK (and transmission, for GO); an unknown name gets
 * NBD_REP_ERR_UNKNOWN, malformed data NBD_REP_ERR_INVALID.</li>
 * <li>NBD_OPT_LIST: one NBD_REP_SERVER naming and describing the export, then NBD_REP_ACK; data present gets
 * NBD_REP_ERR_INVALID.</li>
 * <li>NBD_OPT_ABORT: NBD_REP_ACK, then the connection closes.</li>
 * <li>NBD_OPT_STRUCTURED_REPLY: NBD_REP_ACK, and the connection answers with structured replies from transmission
 * on (NBD_FLAG_SEND_DF is then advertised too); data present gets NBD_REP_ERR_INVALID.</li>
 * <li>NBD_OPT_LIST_META_CONTEXT, NBD_OPT_SET_META_CONTEXT: {@code base:allocation} (see
 * {@link NbdMetaContextOption}).</li>
 * <li>anything else (STARTTLS, extended headers...): NBD_REP_ERR_UNSUP, so the client goes on without it.</li>
 * </ul>
 * Block sizes advertised: minimum 1 (any alignment works), preferred the volume's, maximum the maximum payload.
 * <p>
 * Not thread-safe: the server's agent thread only.
 */
final class NbdOptionHandler
{
    static final int NEXT_OPTION = 0;
    static final int ENTER_TRANSMISSION = 1;
    static final int CLOSE_AFTER_REPLY = 2;
    static final int CLOSE_NOW = 3;

    /** Room an option's replies may need in the send buffer: each reply at most once, strings up to 4096 bytes. */
    static final int MAX_REPLIES_LENGTH = 10 << 10;

    /** Appended to the description while the server refuses I/O, so {@code nbdinfo} says why I/O fails. */
    static final String REFUSING_SUFFIX = " (standby: refuses I/O until takeover)";

    private static final byte[] MSG_UNSUPPORTED = ascii("option not supported by the tandem NBD server");
    private static final byte[] MSG_LIST_DATA = ascii("NBD_OPT_LIST carries no data");
    private static final byte[] MSG_STRUCTURED_DATA = ascii("NBD_OPT_STRUCTURED_REPLY carries no data");
    private static final byte[] MSG_MALFORMED = ascii("malformed NBD_OPT_INFO/NBD_OPT_GO data");
    private static final byte[] MSG_UNKNOWN = ascii("no such export; use the empty name or the one NBD_OPT_LIST gives");

    private final NbdOptionReplyEncoder reply = new NbdOptionReplyEncoder();
    private final NbdMetaContextOption metaContexts = new NbdMetaContextOption();
    private final NbdCounters counters;
    private final byte[] exportName;
    private final byte[] exportDescription;
    private final byte[] refusingDescription;
    private final long size;
    private final int transmissionFlags;
    private final int preferredBlockSize;
    private final int maxPayload;
    private boolean exportAccepted;

    NbdOptionHandler(final NbdServerContext ctx, final int transmissionFlags, final NbdCounters counters)
    {
        this.counters = counters;
        this.exportName = ctx.exportName().getBytes(StandardCharsets.UTF_8);
        this.exportDescription = ctx.exportDescription().getBytes(StandardCharsets.UTF_8);
        this.refusingDescription = (ctx.exportDescription() + REFUSING_SUFFIX).getBytes(StandardCharsets.UTF_8);
        this.size = ctx.volume().size();
        this.transmissionFlags = transmissionFlags;
        this.preferredBlockSize = Math.min(ctx.maxPayload(), Math.max(1, ctx.volume().preferredBlockSize()));
        this.maxPayload = ctx.maxPayload();
    }

    /**
     * @return the transmission flags for a client that negotiated what {@code session} holds.
     */
    int transmissionFlags(final NbdSession session)
    {
        return session.structuredReplies() ? transmissionFlags | NbdProtocol.FLAG_SEND_DF : transmissionFlags;
    }

    /**
     * Answers one option whose data is in {@code src} at {@code dataOffset}, writing replies into {@code dst} at
     * {@code dstOffset} (with at least {@link #MAX_REPLIES_LENGTH} bytes of room, more for EXPORT_NAME zeroes).
     *
     * @param session   what the client negotiated so far; options change it.
     * @param refuseIo  whether the server refuses I/O now; the description says so.
     * @param lengthOut receives in [0] the number of bytes written.
     * @return what the connection does next.
     */
    int onOption(
        final int option,
        final DirectBuffer src,
        final int dataOffset,
        final int dataLength,
        final boolean noZeroes,
        final NbdSession session,
        final boolean refuseIo,
        final MutableDirectBuffer dst,
        final int dstOffset,
        final int[] lengthOut)
    {
        int position = dstOffset;
        int next = NEXT_OPTION;
        switch (option)
        {
            case NbdProtocol.OPT_EXPORT_NAME:
                if (!isExport(src, dataOffset, dataLength))
                {
                    next = CLOSE_NOW;
                }
                else
                {
                    position += NbdHandshakeEncoder.exportData(
                        dst, position, size, transmissionFlags(session), noZeroes);
                    next = ENTER_TRANSMISSION;
                }
                break;

            case NbdProtocol.OPT_ABORT:
                position += reply.wrap(dst, position).header(option, NbdProtocol.REP_ACK, 0);
                next = CLOSE_AFTER_REPLY;
                break;

            case NbdProtocol.OPT_LIST:
                if (0 != dataLength)
                {
                    position += refuse(dst, position, option, NbdProtocol.REP_ERR_INVALID, MSG_LIST_DATA);
                }
                else
                {
                    position += reply.wrap(dst, position).server(
                        option, exportName, refuseIo ? refusingDescription : exportDescription);
                    position += reply.wrap(dst, position).header(option, NbdProtocol.REP_ACK, 0);
                }
                break;

            case NbdProtocol.OPT_INFO:
            case NbdProtocol.OPT_GO:
                exportAccepted = false;
                position += infoOrGo(
                    option, src, dataOffset, dataLength, refuseIo ? refusingDescription : exportDescription,
                    transmissionFlags(session), dst, position);
                if (NbdProtocol.OPT_GO == option && exportAccepted)
                {
                    next = ENTER_TRANSMISSION;
                }
                break;

            case NbdProtocol.OPT_STRUCTURED_REPLY:
                if (0 != dataLength)
                {
                    position += refuse(dst, position, option, NbdProtocol.REP_ERR_INVALID, MSG_STRUCTURED_DATA);
                }
                else
                {
                    session.structuredReplies(true);
                    position += reply.wrap(dst, position).header(option, NbdProtocol.REP_ACK, 0);
                }
                break;

            case NbdProtocol.OPT_LIST_META_CONTEXT:
            case NbdProtocol.OPT_SET_META_CONTEXT:
            {
                final int written =
                    metaContexts.onOption(option, src, dataOffset, dataLength, session, this, dst, position);
                if (dst.getInt(position + NbdOptionReplyEncoder.TYPE_OFFSET, NbdProtocol.BYTE_ORDER) < 0)
                {
                    counters.increment(NbdCounters.OPTION_ERRORS_OFFSET);
                }
                position += written;
                break;
            }

            default:
                position += refuse(dst, position, option, NbdProtocol.REP_ERR_UNSUP, MSG_UNSUPPORTED);
                break;
        }
        lengthOut[0] = position - dstOffset;
        return next;
    }

    private int infoOrGo(
        final int option,
        final DirectBuffer src,
        final int dataOffset,
        final int dataLength,
        final byte[] description,
        final int flags,
        final MutableDirectBuffer dst,
        final int dstOffset)
    {
        if (dataLength < 6)
        {
            return refuse(dst, dstOffset, option, NbdProtocol.REP_ERR_INVALID, MSG_MALFORMED);
        }
        final long nameLength = src.getInt(dataOffset + NbdOptionDecoder.NAME_LENGTH_OFFSET, BYTE_ORDER) & 0xFFFF_FFFFL;
        if (nameLength > dataLength - 6)
        {
            return refuse(dst, dstOffset, option, NbdProtocol.REP_ERR_INVALID, MSG_MALFORMED);
        }
        final int nameOffset = dataOffset + NbdOptionDecoder.NAME_OFFSET;
        final int countOffset = nameOffset + (int)nameLength;
        final int count = src.getShort(countOffset, BYTE_ORDER) & 0xFFFF;
        if (4 + nameLength + 2 + 2L * count != dataLength)
        {
            return refuse(dst, dstOffset, option, NbdProtocol.REP_ERR_INVALID, MSG_MALFORMED);
        }
        if (!isExport(src, nameOffset, (int)nameLength))
        {
            return refuse(dst, dstOffset, option, NbdProtocol.REP_ERR_UNKNOWN, MSG_UNKNOWN);
        }

        boolean wantName = false;
        boolean wantDescription = false;
        for (int i = 0; i < count; i++)
        {
            final int infoType = src.getShort(countOffset + 2 + 2 * i, BYTE_ORDER) & 0xFFFF;
            wantName |= NbdProtocol.INFO_NAME == infoType;
            wantDescription |= NbdProtocol.INFO_DESCRIPTION == infoType;
        }

        int position = dstOffset;
        position += reply.wrap(dst, position).infoExport(option, size, flags);
        if (wantName)
        {
            position += reply.wrap(dst, position).infoString(option, NbdProtocol.INFO_NAME, exportName);
        }
        if (wantDescription)
        {
            position += reply.wrap(dst, position).infoString(option, NbdProtocol.INFO_DESCRIPTION, description);
        }
        position += reply.wrap(dst, position).infoBlockSize(option, 1, preferredBlockSize, maxPayload);
        position += reply.wrap(dst, position).header(option, NbdProtocol.REP_ACK, 0);
        exportAccepted = true;
        return position - dstOffset;
    }

    /**
     * Writes an error reply to an option, and counts it.
     *
     * @return the reply's length.
     */
    private int refuse(
        final MutableDirectBuffer dst, final int offset, final int option, final int type, final byte[] message)
    {
        counters.increment(NbdCounters.OPTION_ERRORS_OFFSET);
        return reply.wrap(dst, offset).withData(option, type, message);
    }

    /**
     * @return true for the empty name and for the export's name.
     */
    boolean isExport(final DirectBuffer src, final int offset, final int length)
    {
        if (0 == length)
        {
            return true;
        }
        if (length != exportName.length)
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            if (src.getByte(offset + i) != exportName[i])
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
