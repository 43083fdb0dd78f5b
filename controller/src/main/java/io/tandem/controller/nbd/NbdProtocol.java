package io.tandem.controller.nbd;

import java.nio.ByteOrder;

/**
 * The numbers of the NBD protocol (NetworkBlockDevice {@code doc/proto.md}) this server speaks: the fixed newstyle
 * handshake, simple and structured replies, the {@code base:allocation} metadata context, and the commands READ,
 * WRITE, DISC, FLUSH, TRIM, WRITE_ZEROES (with NO_HOLE and FAST_ZERO) and BLOCK_STATUS (with REQ_ONE).
 * <p>
 * Every multi-byte field on the wire is big-endian ({@link #BYTE_ORDER}).
 */
public final class NbdProtocol
{
    public static final ByteOrder BYTE_ORDER = ByteOrder.BIG_ENDIAN;

    /** The IANA port of NBD. */
    public static final int DEFAULT_PORT = 10809;

    // handshake
    public static final long NBDMAGIC = 0x4e42444d41474943L;
    public static final long IHAVEOPT = 0x49484156454F5054L;
    public static final long OPTION_REPLY_MAGIC = 0x3e889045565a9L;

    public static final int FLAG_FIXED_NEWSTYLE = 1;
    public static final int FLAG_NO_ZEROES = 1 << 1;
    public static final int FLAG_C_FIXED_NEWSTYLE = 1;
    public static final int FLAG_C_NO_ZEROES = 1 << 1;
    public static final int KNOWN_CLIENT_FLAGS = FLAG_C_FIXED_NEWSTYLE | FLAG_C_NO_ZEROES;

    /** The zeroes that follow the export data of NBD_OPT_EXPORT_NAME unless NBD_FLAG_C_NO_ZEROES was set. */
    public static final int EXPORT_NAME_ZEROES_LENGTH = 124;

    // options
    public static final int OPT_EXPORT_NAME = 1;
    public static final int OPT_ABORT = 2;
    public static final int OPT_LIST = 3;
    public static final int OPT_STARTTLS = 5;
    public static final int OPT_INFO = 6;
    public static final int OPT_GO = 7;
    public static final int OPT_STRUCTURED_REPLY = 8;
    public static final int OPT_LIST_META_CONTEXT = 9;
    public static final int OPT_SET_META_CONTEXT = 10;

    // option reply types
    public static final int REP_ACK = 1;
    public static final int REP_SERVER = 2;
    public static final int REP_INFO = 3;
    public static final int REP_META_CONTEXT = 4;
    public static final int REP_FLAG_ERROR = 1 << 31;
    public static final int REP_ERR_UNSUP = 1 | REP_FLAG_ERROR;
    public static final int REP_ERR_POLICY = 2 | REP_FLAG_ERROR;
    public static final int REP_ERR_INVALID = 3 | REP_FLAG_ERROR;
    public static final int REP_ERR_UNKNOWN = 6 | REP_FLAG_ERROR;
    public static final int REP_ERR_TOO_BIG = 9 | REP_FLAG_ERROR;

    // NBD_REP_INFO types
    public static final int INFO_EXPORT = 0;
    public static final int INFO_NAME = 1;
    public static final int INFO_DESCRIPTION = 2;
    public static final int INFO_BLOCK_SIZE = 3;

    // transmission flags
    public static final int FLAG_HAS_FLAGS = 1;
    public static final int FLAG_READ_ONLY = 1 << 1;
    public static final int FLAG_SEND_FLUSH = 1 << 2;
    public static final int FLAG_SEND_FUA = 1 << 3;
    public static final int FLAG_ROTATIONAL = 1 << 4;
    public static final int FLAG_SEND_TRIM = 1 << 5;
    public static final int FLAG_SEND_WRITE_ZEROES = 1 << 6;
    /** Reads may ask for one content chunk (NBD_CMD_FLAG_DF); only with structured replies. */
    public static final int FLAG_SEND_DF = 1 << 7;
    public static final int FLAG_CAN_MULTI_CONN = 1 << 8;
    public static final int FLAG_SEND_FAST_ZERO = 1 << 11;

    // transmission
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
    public static final int CMD_TRIM = 4;
    public static final int CMD_WRITE_ZEROES = 6;
    public static final int CMD_BLOCK_STATUS = 7;

    public static final int CMD_FLAG_FUA = 1;
    public static final int CMD_FLAG_NO_HOLE = 1 << 1;
    public static final int CMD_FLAG_DF = 1 << 2;
    public static final int CMD_FLAG_REQ_ONE = 1 << 3;
    public static final int CMD_FLAG_FAST_ZERO = 1 << 4;

    // structured replies
    public static final int REPLY_FLAG_DONE = 1;
    public static final int REPLY_TYPE_NONE = 0;
    public static final int REPLY_TYPE_OFFSET_DATA = 1;
    public static final int REPLY_TYPE_OFFSET_HOLE = 2;
    public static final int REPLY_TYPE_BLOCK_STATUS = 5;
    public static final int REPLY_TYPE_ERROR = (1 << 15) + 1;
    public static final int REPLY_TYPE_ERROR_OFFSET = (1 << 15) + 2;

    // metadata contexts
    /** The one context this server offers: which extents are holes, which read as zeroes. */
    public static final String CONTEXT_BASE_ALLOCATION = "base:allocation";
    /** The id {@code base:allocation} gets in NBD_OPT_SET_META_CONTEXT's reply and in block status chunks. */
    public static final int CONTEXT_ID_BASE_ALLOCATION = 1;
    /** {@code base:allocation}: the extent is not allocated in the backing store. */
    public static final int STATE_HOLE = 1;
    /** {@code base:allocation}: the extent reads as zeroes. */
    public static final int STATE_ZERO = 1 << 1;

    // errors of the reply's error field
    public static final int OK = 0;
    public static final int EPERM = 1;
    public static final int EIO = 5;
    public static final int ENOMEM = 12;
    public static final int EINVAL = 22;
    public static final int ENOSPC = 28;
    public static final int EOVERFLOW = 75;
    public static final int ENOTSUP = 95;
    /** The server is going away (or does not own the volume yet): a client tries another. */
    public static final int ESHUTDOWN = 108;

    private NbdProtocol()
    {
    }

    /**
     * @return the name of a command, for messages.
     */
    public static String commandName(final int type)
    {
        switch (type)
        {
            case CMD_READ: return "READ";
            case CMD_WRITE: return "WRITE";
            case CMD_DISC: return "DISC";
            case CMD_FLUSH: return "FLUSH";
            case CMD_TRIM: return "TRIM";
            case CMD_WRITE_ZEROES: return "WRITE_ZEROES";
            case CMD_BLOCK_STATUS: return "BLOCK_STATUS";
            default: return "CMD_" + type;
        }
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
