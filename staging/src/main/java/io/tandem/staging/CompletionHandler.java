package io.tandem.staging;

/**
 * Told when writes complete. Called on the flusher's thread after each group commit, so it must be quick and
 * must not block; completions arrive in ticket order, never ticket n + 1 before n.
 */
@FunctionalInterface
public interface CompletionHandler
{
    /**
     * @param completedTicket every write with a ticket up to and including this one is now durable.
     */
    void onComplete(long completedTicket);
}
