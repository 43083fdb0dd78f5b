package io.tandem.secondary;

/**
 * Why a secondary now serves as primary, and how. Immutable.
 *
 * @param tookOver     true after a takeover (the partner is gone: serve without the mirror until it returns);
 *                     false when the partner gave the volume back (it stays as the mirror).
 * @param givenBack    true when the partner handed the pool to this controller ({@code ctl giveback}, a planned
 *                     stop): the primary serves at the handed {@code epoch} without taking the pool again.
 * @param epoch        the pool's epoch when it happened.
 * @param summary      one line for the log and the journal.
 */
public record Handover(boolean tookOver, boolean givenBack, long epoch, String summary)
{
    /**
     * @return the epoch the primary may serve at without taking the pool again, or 0 (see
     * {@link io.tandem.controller.ControllerContext#handedEpoch()}).
     */
    public long handedEpoch()
    {
        return givenBack ? epoch : 0;
    }
}
