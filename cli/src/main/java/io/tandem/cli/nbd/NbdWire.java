package io.tandem.cli.nbd;

/**
 * The numbers of the NBD protocol (NetworkBlockDevice {@code doc/proto.md}) this client speaks: the fixed newstyle
 * handshake with NBD_OPT_GO, then simple replies to READ, WRITE, FLUSH and DISC. Every multi-byte field on the wire
 * is big-endian.
 * <p>
 * The client keeps its own copy rather than depending on a server module: it is meant to work against any NBD
 * server, and the launcher must not need a controller's code to drive one.
 */
public final class NbdWire
{
    public static final long NBDMAGIC = 0x4e42444d41474943L;
    public static final long IHAVEOPT = 0x49484156454F5054L;
    public static final long OPTION_REPLY_MAGIC = 0x3e889045565a9L;

    public static final int FLAG_FIXED_NEWSTYLE = 1;
    public static final int FLAG_NO_ZEROES = 1 << 1;
    public static final int FLAG_C_FIXED_NEWSTYLE = 1;
    public static final int FLAG_C_NO_ZEROES = 1 << 1;

    public static final int OPT_GO = 7;
    public static final int REP_ACK = 1;
    public static final int REP_INFO = 3;
    public static final int REP_FLAG_ERROR = 1 << 31;
    public static final int INFO_EXPORT = 0;
    public static final int INFO_BLOCK_SIZE = 3;

    public static final int FLAG_READ_ONLY = 1 << 1;
    public static final int FLAG_SEND_FLUSH = 1 << 2;

    public static final int REQUEST_MAGIC = 0x25609513;
    public static final int SIMPLE_REPLY_MAGIC = 0x67446698;
    public static final int STRUCTURED_REPLY_MAGIC = 0x668e33ef;

    /**
     * A request: magic (u32), command flags (u16), type (u16), handle (u64), offset (u64), length (u32).
     */
    public static final int REQUEST_HEADER_LENGTH = 28;

    /**
     * A simple reply: magic (u32), error (u32), handle (u64); a successful READ's data follows.
     */
    public static final int SIMPLE_REPLY_LENGTH = 16;

    public static final int CMD_READ = 0;
    public static final int CMD_WRITE = 1;
    public static final int CMD_DISC = 2;
    public static final int CMD_FLUSH = 3;

    public static final int OK = 0;
    public static final int EPERM = 1;
    public static final int EIO = 5;
    public static final int ENOMEM = 12;
    public static final int EINVAL = 22;
    public static final int ENOSPC = 28;
    public static final int EOVERFLOW = 75;
    public static final int ENOTSUP = 95;
    /** The server is going away (or does not own the volume yet): try another. */
    public static final int ESHUTDOWN = 108;

    private NbdWire()
    {
    }

    /**
     * @return the name of an NBD error, for messages.
     */
    public static String errorName(final int error)
    {
        switch (error)
        {
            case OK: return "OK";
            case EPERM: return "EPERM";
            case EIO: return "EIO";
            case ENOMEM: return "ENOMEM";
            case EINVAL: return "EINVAL";
            case ENOSPC: return "ENOSPC";
            case EOVERFLOW: return "EOVERFLOW";
            case ENOTSUP: return "ENOTSUP";
            case ESHUTDOWN: return "ESHUTDOWN";
            default: return "error " + error;
        }
    }
}
