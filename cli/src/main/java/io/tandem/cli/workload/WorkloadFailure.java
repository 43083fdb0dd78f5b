package io.tandem.cli.workload;

/**
 * Ends a run early with an outcome and a message for the person running it. Thrown and caught inside
 * {@link Workload}; callers see a {@link WorkloadReport}.
 */
final class WorkloadFailure extends Exception
{
    private static final long serialVersionUID = 1L;

    private final WorkloadOutcome outcome;

    WorkloadFailure(final WorkloadOutcome outcome, final String message)
    {
        super(message, null, false, false);
        this.outcome = outcome;
    }

    WorkloadOutcome outcome()
    {
        return outcome;
    }
}
