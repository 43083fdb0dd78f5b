package io.tandem.recovery.journal;

/**
 * Takes events from {@link EventJournalReader#poll(EventHandler, int)}. The event is the reader's own instance,
 * filled again for the next one: {@link JournalEvent#copy()} it to keep it.
 */
@FunctionalInterface
public interface EventHandler
{
    void onEvent(JournalEvent event);
}
