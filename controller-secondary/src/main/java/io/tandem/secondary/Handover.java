package io.tandem.secondary;

/**
 * Why a secondary now serves as primary, and how. Immutable.
 *
 * @param tookOver     true after a takeover (the partner is gone: serve without the mirror until it returns);
 *                     false when the partner gave the volume back (it stays as the mirror).
 * @param epoch        the pool's epoch when it happened.
 * @param summary      one line for the log and the journal.
 */
public record Handover(boolean tookOver, long epoch, String summary)
{
}
