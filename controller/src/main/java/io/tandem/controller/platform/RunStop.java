package io.tandem.controller.platform;

/**
 * What stopping the partner's run found ({@link ControllerPlatform#stopRun}).
 *
 * @param visible false if the partner's process cannot be seen from here, so its run could be neither killed
 *                nor proved gone: a takeover waits for its word in its mailbox instead, once the pool is taken.
 * @param detail  what was done or found, for the journal.
 */
public record RunStop(boolean visible, String detail)
{
}
