package io.tandem.controller.control;

/**
 * Answers one control command. Called on one of the control server's handler threads, one command at a time
 * (never two at once): an implementation hands anything that touches the controller's state to the controller's
 * own thread. What it throws is answered as {@code ERROR <why>}.
 */
@FunctionalInterface
public interface ControlHandler
{
    /**
     * @param command the words of the command line, at least one.
     * @return the reply: its first line is {@code OK} or {@code ERROR <why>}, the rest is the answer.
     */
    String handle(String[] command);
}
