package io.tandem.cli.workload;

/**
 * How a workload run ended, from best to worst for a caller deciding what to do next.
 */
public enum WorkloadOutcome
{
    /** The run completed and every read checked out. */
    OK,
    /** The run completed (or stopped) and at least one read returned the wrong data. */
    VERIFICATION_FAILED,
    /** The run could not complete: I/O errors, a broken connection with nowhere to fail over, a bad state file. */
    RUN_FAILED,
    /** No target served the volume: none reachable, all refusing I/O, or a failover ran out of time or attempts. */
    UNREACHABLE
}
