package io.tandem.controller.nbd;

import java.nio.charset.StandardCharsets;

/**
 * Why a request was answered with an error, as a small code kept in its slot: the server decides it when it
 * checks the request ({@link NbdCommandDispatcher#validate}), or the volume's completion brings an error
 * ({@link #VOLUME}). The NBD error value goes in the reply; with structured replies the reason's message goes with
 * it in the NBD_REPLY_TYPE_ERROR chunk, for the human behind the client.
 * <p>
 * Stateless; the messages are made once.
 */
final class NbdRequestError
{
    static final byte NONE = 0;
    static final byte UNKNOWN_COMMAND = 1;
    static final byte BAD_FLAG = 2;
    static final byte FLUSH_WITH_RANGE = 3;
    static final byte ZERO_LENGTH = 4;
    static final byte READ_TOO_LONG = 5;
    static final byte READ_ONLY = 6;
    static final byte PAST_END = 7;
    static final byte NO_META_CONTEXT = 8;
    static final byte FAST_ZERO_UNSUPPORTED = 9;
    static final byte REFUSED = 10;
    static final byte VOLUME = 11;
    static final byte WRITE_PAST_END = 12;

    private static final byte[][] MESSAGES = {
        ascii(""),
        ascii("command not supported by the tandem NBD server"),
        ascii("command flag not valid for this command, or not negotiated"),
        ascii("FLUSH carries no offset or length"),
        ascii("zero length"),
        ascii("READ longer than the maximum payload (NBD_INFO_BLOCK_SIZE)"),
        ascii("the export is read-only"),
        ascii("the request reaches past the end of the export"),
        ascii("BLOCK_STATUS needs a metadata context: select base:allocation with NBD_OPT_SET_META_CONTEXT"),
        ascii("zeroing is not faster than writing zeroes on this volume"),
        ascii("this controller does not serve the volume now (standby, or handing it over)"),
        ascii("the volume failed the request"),
        ascii("the write reaches past the end of the export"),
    };

    private static final byte[] EIO_MESSAGE = ascii("I/O error in the pool");
    private static final byte[] ENOSPC_MESSAGE = ascii("no space left in the pool");
    private static final byte[] ESHUTDOWN_MESSAGE = ascii("the controller stops serving the volume; try its partner");

    private NbdRequestError()
    {
    }

    /**
     * @return the NBD error value a request refused for {@code reason} is answered with; {@code reason} is one the
     * server decides (not {@link #VOLUME}, not {@link #REFUSED}, whose value is configured).
     */
    static int errorOf(final byte reason)
    {
        switch (reason)
        {
            case READ_TOO_LONG:
                return NbdProtocol.EOVERFLOW;
            case READ_ONLY:
                return NbdProtocol.EPERM;
            case WRITE_PAST_END:
                return NbdProtocol.ENOSPC;
            case FAST_ZERO_UNSUPPORTED:
                return NbdProtocol.ENOTSUP;
            case NONE:
                return NbdProtocol.OK;
            default:
                return NbdProtocol.EINVAL;
        }
    }

    /**
     * @return the message an error chunk carries for {@code reason} and {@code error}.
     */
    static byte[] message(final byte reason, final int error)
    {
        if (VOLUME == reason || NONE == reason)
        {
            switch (error)
            {
                case NbdProtocol.EIO:
                    return EIO_MESSAGE;
                case NbdProtocol.ENOSPC:
                    return ENOSPC_MESSAGE;
                case NbdProtocol.ESHUTDOWN:
                    return ESHUTDOWN_MESSAGE;
                default:
                    return MESSAGES[VOLUME];
            }
        }
        return MESSAGES[reason];
    }

    private static byte[] ascii(final String text)
    {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
