package io.tandem.recovery.consumer;

/**
 * One consumer's state at one moment of a walk.
 * <p>
 * Immutable; thread-safe.
 *
 * @param name        the consumer.
 * @param state       where it stands.
 * @param startedAtMs wall-clock time it started, or 0 if it has not.
 * @param endedAtMs   wall-clock time it ended (done, failed, skipped), or 0 if it has not.
 * @param cause       why it failed, or null.
 * @param resumed     true if an earlier walk of the operation did it and this walk did not run it again.
 */
public record ConsumerStatus(
    String name, ConsumerState state, long startedAtMs, long endedAtMs, Throwable cause, boolean resumed)
{
    static ConsumerStatus pending(final String name)
    {
        return new ConsumerStatus(name, ConsumerState.PENDING, 0, 0, null, false);
    }

    ConsumerStatus to(final ConsumerState next, final long nowMs, final Throwable why)
    {
        final long started = next == ConsumerState.RUNNING ? nowMs : startedAtMs;
        final long ended = next == ConsumerState.RUNNING ? 0 : nowMs;
        return new ConsumerStatus(name, next, started, ended, null == why ? cause : why, resumed);
    }

    /**
     * @return how long it ran, 0 if it has not ended.
     */
    public long durationMs()
    {
        return endedAtMs == 0 || startedAtMs == 0 ? 0 : endedAtMs - startedAtMs;
    }
}
