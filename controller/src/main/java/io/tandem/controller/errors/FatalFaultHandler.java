package io.tandem.controller.errors;

/**
 * Told, once per process, that the controller hit a {@link FatalFault}: the process launcher exits with the fault's
 * code. Called on the thread that found the fault (an agent thread among them), so it must not block or exit the
 * JVM itself (shutting the controller down waits for that thread); it hands the exit to another thread.
 */
@FunctionalInterface
public interface FatalFaultHandler
{
    /** Records nothing beyond the {@link ControllerHealth} itself: for controllers run inside tests and tools. */
    FatalFaultHandler NONE = (fault, cause) -> {};

    void onFatal(FatalFault fault, Throwable cause);
}
