package io.tandem.recovery.graph;

/**
 * What the engine dispatches once an action has failed. Either way, actions in flight are let finish, and
 * undo starts only when none is left.
 */
public enum FailurePolicy
{
    /**
     * Courtright and Gibson: dispatch nothing more; every action not yet dispatched is skipped. The default.
     */
    HALT,

    /**
     * The recovery consumer framework: skip the failed action's dependents, direct and indirect, and go on
     * running everything that does not depend on it, so one consumer's failure costs only what needs it.
     */
    SKIP_DEPENDENTS
}
