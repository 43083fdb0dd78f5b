package io.tandem.nvlog;

/**
 * The kinds of NVLog record, as stored in {@link LogRecord#type()}. Control records (everything but
 * {@link #WRITE}) are written on {@link LogRecord#CONTROL_STREAM}.
 */
public final class RecordType
{
    /** A piece of a client write: {@code payloadLength} bytes for {@code volume} at {@code offset}. */
    public static final short WRITE = 1;

    /**
     * A consistency point finished: every write with an LSN up to the record's {@code lsn} is in the pool, so
     * the log before it need not be replayed.
     */
    public static final short CP_MARKER = 2;

    /** Fills the rest of a half when the log switches halves: the half is sealed, nothing follows it. */
    public static final short PADDING = 3;

    /**
     * First record of every half. Its {@code streamSequence} is the half's generation, which grows by one at
     * every switch, so recovery can tell the newer half from the older; flag {@link LogRecord#FLAG_RELEASED}
     * says the half was released after a consistency point and holds nothing to replay.
     */
    public static final short HALF_START = 4;

    /**
     * Zeroes {@code length} bytes of {@code volume} at {@code offset}, where the length is the record's 8-byte
     * little-endian payload: a client's WRITE_ZEROES or TRIM, logged without carrying the zeros; flag
     * {@link LogRecord#FLAG_HOLE} says whether the whole blocks become holes or stay allocated.
     */
    public static final short ZERO = 5;

    /**
     * Opens mirror generation {@code epoch} on one stream: the first record of every stream in a mirror
     * session, sequence 1, no payload. A secondary that stored this record on every stream holds the generation
     * from its start ({@link NvLog#recordHeldGeneration(long)}); one that joined later never sees it.
     */
    public static final short GENERATION_START = 6;

    private RecordType()
    {
    }

    public static boolean isKnown(final int type)
    {
        return type >= WRITE && type <= GENERATION_START;
    }

    public static String name(final int type)
    {
        switch (type)
        {
            case WRITE:
                return "WRITE";
            case CP_MARKER:
                return "CP_MARKER";
            case PADDING:
                return "PADDING";
            case HALF_START:
                return "HALF_START";
            case ZERO:
                return "ZERO";
            case GENERATION_START:
                return "GENERATION_START";
            default:
                return "UNKNOWN(" + type + ")";
        }
    }
}
