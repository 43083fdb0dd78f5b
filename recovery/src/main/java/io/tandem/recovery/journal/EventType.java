package io.tandem.recovery.journal;

/**
 * What a journal event records, and which of {@link JournalEvent}'s fields it uses besides the time, the
 * controller and the epoch every event carries. Stored by name, so values may be added but never renamed.
 */
public enum EventType
{
    /** subject: the new role; detail: the role before. */
    ROLE_CHANGE,
    /** epoch: the new epoch; value: the epoch before; detail: why. */
    EPOCH_CHANGE,
    /** value: the path id; detail: the path's channel or address. */
    PATH_UP,
    /** value: the path id; detail: why it was declared down. */
    PATH_DOWN,
    /** value: the CP's LSN; detail: how much was destaged, free-form. */
    CONSISTENCY_POINT,
    /** operation; subject: the step; status: STARTED, DONE or FAILED; detail: free-form. */
    TAKEOVER_STEP,
    /** operation; subject: the step; status: STARTED, DONE or FAILED; detail: free-form. */
    GIVEBACK_STEP,
    /** operation; subject: the consumer. */
    CONSUMER_START,
    /**
     * operation; subject: the consumer; status: a {@link io.tandem.recovery.consumer.ConsumerState} name (DONE,
     * FAILED, SKIPPED, UNDONE, UNDO_FAILED); value: how long it ran in ms; detail: the cause of a failure.
     */
    CONSUMER_END,
    /** detail: the message; subject: optional, what it is about. */
    NOTE,
    /**
     * A pool member changed state. subject: the member (its array's place and slot, and its file); status: the new
     * state; value: the array's age after the change; detail: the state before and why.
     */
    DISK_CHANGE
}
