package io.tandem.primary.cache;

/**
 * Told how each {@link ConsistencyPoint} ended, on the agent thread that stepped it, after its state changed (so
 * the listener may start the next one).
 */
public interface ConsistencyPointListener
{
    /**
     * The pool holds, durably, every write with an LSN up to {@code cpLsn}, and the superblock says so: the NVLog
     * records up to {@code cpLsn} may now be released on both controllers.
     */
    void onComplete(ConsistencyPoint.Reason reason, long cpLsn, int pagesDestaged, long durationNs);

    /**
     * The CP failed on an I/O error; the superblock's CP LSN is unchanged and every page it meant to destage is
     * still dirty, so a later CP may retry (after {@link ConsistencyPoint#retryAtNs()}).
     *
     * @param failure whether the pool is full or something else failed.
     */
    default void onFailed(final ConsistencyPoint.Reason reason, final CpFailure failure, final Throwable error)
    {
    }

    /**
     * The pool belongs to a newer epoch than {@code epoch}: this controller has been fenced. The CP recorded
     * nothing; the controller must stop serving and write nothing more.
     */
    default void onFenced(final long epoch)
    {
    }
}
