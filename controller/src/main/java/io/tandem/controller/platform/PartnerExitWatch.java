package io.tandem.controller.platform;

import io.tandem.controller.pool.RunIdentity;

/**
 * Learns of the partner process's exit as soon as it happens, as an appliance's service processor reports a
 * crashed controller to its partner at once instead of leaving it to heartbeats: an optional hint that makes
 * the takeover decision quicker, never a reason of its own to take over a live partner. It says a run exited
 * only when the host reported the exit and, where it can look, no process of that run is left (a stopped or
 * slow process keeps running, and is left to heartbeats).
 * <p>
 * Thread-safe: asked from any thread.
 */
public interface PartnerExitWatch extends AutoCloseable
{
    /** No watch: heartbeats alone find a dead partner. */
    PartnerExitWatch NONE = new PartnerExitWatch()
    {
        public boolean exited(final RunIdentity run)
        {
            return false;
        }

        public void close()
        {
        }
    };

    /**
     * @return true if {@code run} (the partner's, as its mailbox names it) is known to have exited.
     */
    boolean exited(RunIdentity run);

    /**
     * Asks to be told, on the watch's own thread, each time it learns of an exit, so the role looks at once
     * rather than at its next heartbeat. The listener must be quick and must not block. A watch with no thread of
     * its own (a simulation's) never calls it: the role's heartbeat finds the exit.
     */
    default void onExit(final Runnable listener)
    {
    }

    @Override
    void close();
}
