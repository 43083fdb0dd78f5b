package io.tandem.secondary.takeover;

/**
 * How far a running takeover has come, for `ctl takeover`'s progress bar, status and metrics: its steps settled of
 * all, the steps running now, and the bytes replayed of those the scans found above the CP LSN (known once every
 * stream's scan is done; 0 before).
 *
 * @param stepsDone     steps done or skipped.
 * @param steps         steps in all.
 * @param running       the steps running now, comma-separated; empty between steps.
 * @param bytesReplayed bytes of the volume the replays have written so far.
 * @param bytesToReplay bytes of the volume the scans found to replay.
 */
public record TakeoverProgress(int stepsDone, int steps, String running, long bytesReplayed, long bytesToReplay)
{
    /**
     * @return the part done, 0 to 1: by bytes once the scans are done and there is something to replay, by steps
     * otherwise.
     */
    public double fraction()
    {
        if (bytesToReplay > 0)
        {
            return Math.min(1.0, (double)bytesReplayed / bytesToReplay);
        }
        return 0 == steps ? 0 : (double)stepsDone / steps;
    }
}
