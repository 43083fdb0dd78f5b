package io.tandem.recovery.journal;

import io.tandem.recovery.consumer.ConsumerState;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads from a journal how far an operation got before it was interrupted, so a new walk can resume it instead
 * of starting over: {@code walk.resume(JournalResume.completedConsumers(reader, "takeover-epoch-7"))}.
 * <p>
 * A consumer counts as completed if its last end event for the operation says DONE: a consumer that was done
 * and then undone (the walk failed and backed out) must run again, and so must one that failed or was skipped.
 * A consumer that started and has no end event was running when the controller died; it runs again, which is
 * why a consumer's DO must be safe to repeat after a crash.
 * <p>
 * Stateless; thread-safe.
 */
public final class JournalResume
{
    private JournalResume()
    {
    }

    /**
     * Reads the journal from the start.
     *
     * @return the names of the operation's completed consumers, in the order they completed.
     */
    public static Set<String> completedConsumers(final EventJournalReader reader, final String operationId)
    {
        final Set<String> completed = new LinkedHashSet<>();
        reader.toStart();
        reader.poll(event -> apply(event, operationId, completed), Integer.MAX_VALUE);
        return completed;
    }

    /**
     * @return the names of the operation's completed consumers among already-read events.
     */
    public static Set<String> completedConsumers(final List<JournalEvent> events, final String operationId)
    {
        final Set<String> completed = new LinkedHashSet<>();
        for (final JournalEvent event : events)
        {
            apply(event, operationId, completed);
        }
        return completed;
    }

    private static void apply(final JournalEvent event, final String operationId, final Set<String> completed)
    {
        if (EventType.CONSUMER_END == event.type() && operationId.equals(event.operation()))
        {
            if (ConsumerState.DONE.name().equals(event.status()))
            {
                completed.add(event.subject());
            }
            else
            {
                completed.remove(event.subject());
            }
        }
    }
}
