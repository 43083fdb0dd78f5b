package io.tandem.nvlog;

/**
 * What the recovery scan found in one half of the log. Immutable.
 *
 * @param index        0 or 1.
 * @param state        what the half holds.
 * @param generation   the half's generation from its start record, 0 if it has none.
 * @param records      WRITE and CP_MARKER records kept.
 * @param bytesKept    bytes of the half in use after the scan, start record included.
 * @param stop         why the scan of the half stopped.
 * @param stopAddress  device address where it stopped: the next append goes there if the half is active.
 * @param droppedBytes bytes refused at the stop: 0 unless {@code stop} is {@link Stop#TORN}; otherwise from the
 *                     stop to the last non-zero byte of the half (so a count of at least the torn record).
 */
public record HalfScan(
    int index,
    State state,
    long generation,
    long records,
    long bytesKept,
    Stop stop,
    long stopAddress,
    long droppedBytes)
{
    /**
     * What a half holds.
     */
    public enum State
    {
        /** No start record: never used, or its start record was torn before anything followed it. */
        UNUSED,
        /** Released after a consistency point: nothing in it is replayed. */
        RELEASED,
        /** Holds records to replay. */
        IN_USE
    }

    /**
     * Why the scan of a half stopped.
     */
    public enum Stop
    {
        /** At the zero end marker after the last record: the log ended cleanly there. */
        END,
        /** At the padding record that seals a half the log switched away from. */
        SEALED,
        /** At the end of the half. */
        FULL,
        /** At a record that is torn, corrupt or not of this format: it and everything after it was refused. */
        TORN
    }

    public String toString()
    {
        return "half " + index + ": " + state + (0 != generation ? " generation " + generation : "") + ", " +
            records + " records, " + bytesKept + " bytes, stopped " + stop + " at " + stopAddress +
            (droppedBytes > 0 ? ", dropped " + droppedBytes + " bytes" : "");
    }
}
