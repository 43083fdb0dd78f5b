package io.tandem.cli;

import io.tandem.controller.ControllerContext;
import io.tandem.controller.console.EventFeed;
import io.tandem.recovery.journal.EventJournalReader;
import io.tandem.recovery.journal.JournalEvent;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The console's event timeline: both controllers' journals under the pair's data directory, read as
 * {@code ctl events} reads them and rendered as {@code ctl events --json} renders them ({@link EventJson}); the
 * latest {@link #KEPT} events are kept. A journal that does not exist yet is looked for again at the next ask.
 * <p>
 * Thread-safe: asks are serialised.
 */
final class ConsoleEvents implements EventFeed
{
    static final int KEPT = 500;

    private static final class Rendered
    {
        final long timeMs;
        final String json;

        Rendered(final JournalEvent event)
        {
            this.timeMs = event.timeMs();
            this.json = EventJson.render(event);
        }
    }

    private final Path dataDir;
    private final EventJournalReader[] readers = new EventJournalReader[2];
    private final ArrayDeque<Rendered> kept = new ArrayDeque<>();

    ConsoleEvents(final Path dataDir)
    {
        this.dataDir = dataDir;
    }

    public synchronized List<String> events(final long afterMs, final int limit)
    {
        final List<JournalEvent> fresh = new ArrayList<>();
        for (int id = 0; id < readers.length; id++)
        {
            if (null == readers[id])
            {
                final Path dir = ControllerContext.controllerDir(dataDir, id).resolve("journal");
                if (!Files.isDirectory(dir))
                {
                    continue;
                }
                readers[id] = EventJournalReader.open(dir);
            }
            while (readers[id].poll(event -> fresh.add(event.copy()), 1000) > 0)
            {
                // everything written so far (the reader hands out one event it reuses: each is copied)
            }
        }
        fresh.sort(Comparator.comparingLong(JournalEvent::timeMs));
        for (final JournalEvent event : fresh)
        {
            kept.addLast(new Rendered(event));
            if (kept.size() > KEPT)
            {
                kept.removeFirst();
            }
        }
        final List<String> out = new ArrayList<>();
        for (final Rendered event : kept)
        {
            if (event.timeMs > afterMs)
            {
                out.add(event.json);
            }
        }
        return out.subList(Math.max(0, out.size() - limit), out.size());
    }
}
