package io.tandem.primary.cache;

/**
 * Why a consistency point failed, as far as what to do next goes: a pool out of space is waited out (the CP is
 * retried, and writes that cannot be logged fail with ENOSPC meanwhile), any other I/O error counts towards
 * giving the pool up to the partner.
 */
public enum CpFailure
{
    /** The pool's file system has no space (ENOSPC) or quota (EDQUOT) left for a block written the first time. */
    POOL_FULL,
    /** Any other error: an I/O error of the pool, a superblock that could not be written, a bug. */
    IO_ERROR;

    /** What strerror says for ENOSPC and EDQUOT: the JDK reports both as a plain IOException with this message. */
    private static final String NO_SPACE = "No space left on device";
    private static final String NO_QUOTA = "Disk quota exceeded";

    /**
     * @return {@link #POOL_FULL} if {@code error}, or anything that caused it, says the disk is full.
     */
    public static CpFailure of(final Throwable error)
    {
        for (Throwable cause = error; null != cause; cause = cause.getCause() == cause ? null : cause.getCause())
        {
            final String message = cause.getMessage();
            if (null != message && (message.contains(NO_SPACE) || message.contains(NO_QUOTA)))
            {
                return POOL_FULL;
            }
        }
        return IO_ERROR;
    }
}
