package io.tandem.controller.nbd;

import org.agrona.MutableDirectBuffer;

import static io.tandem.controller.nbd.NbdProtocol.BYTE_ORDER;

/**
 * Writes the two handshake messages that are not option replies (big-endian).
 * <p>
 * The greeting, sent as soon as a client connects:
 * <pre>
 *  | 'NBDMAGIC' (64) | 'IHAVEOPT' (64) | handshake flags (16) |      18 bytes
 * </pre>
 * The export data that answers a successful NBD_OPT_EXPORT_NAME:
 * <pre>
 *  | export size (64) | transmission flags (16) | 124 zero bytes unless NBD_FLAG_C_NO_ZEROES |
 * </pre>
 * Stateless and thread-safe.
 */
public final class NbdHandshakeEncoder
{
    public static final int GREETING_NBDMAGIC_OFFSET = 0;
    public static final int GREETING_IHAVEOPT_OFFSET = 8;
    public static final int GREETING_FLAGS_OFFSET = 16;
    public static final int GREETING_LENGTH = 18;

    public static final int EXPORT_SIZE_OFFSET = 0;
    public static final int EXPORT_FLAGS_OFFSET = 8;
    public static final int EXPORT_LENGTH = 10;

    /** The client's answer to the greeting: its flags, 32 bits. */
    public static final int CLIENT_FLAGS_LENGTH = 4;

    private NbdHandshakeEncoder()
    {
    }

    /**
     * @return the length written.
     */
    public static int greeting(final MutableDirectBuffer buffer, final int offset, final int handshakeFlags)
    {
        buffer.putLong(offset + GREETING_NBDMAGIC_OFFSET, NbdProtocol.NBDMAGIC, BYTE_ORDER);
        buffer.putLong(offset + GREETING_IHAVEOPT_OFFSET, NbdProtocol.IHAVEOPT, BYTE_ORDER);
        buffer.putShort(offset + GREETING_FLAGS_OFFSET, (short)handshakeFlags, BYTE_ORDER);
        return GREETING_LENGTH;
    }

    /**
     * @return the length written.
     */
    public static int exportData(
        final MutableDirectBuffer buffer,
        final int offset,
        final long size,
        final int transmissionFlags,
        final boolean noZeroes)
    {
        buffer.putLong(offset + EXPORT_SIZE_OFFSET, size, BYTE_ORDER);
        buffer.putShort(offset + EXPORT_FLAGS_OFFSET, (short)transmissionFlags, BYTE_ORDER);
        if (noZeroes)
        {
            return EXPORT_LENGTH;
        }
        buffer.setMemory(offset + EXPORT_LENGTH, NbdProtocol.EXPORT_NAME_ZEROES_LENGTH, (byte)0);
        return EXPORT_LENGTH + NbdProtocol.EXPORT_NAME_ZEROES_LENGTH;
    }
}
