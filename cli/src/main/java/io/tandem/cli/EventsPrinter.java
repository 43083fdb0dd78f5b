package io.tandem.cli;

import io.tandem.controller.ControllerContext;
import io.tandem.recovery.journal.EventJournalReader;
import io.tandem.recovery.journal.JournalEvent;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Prints the event journals of both controllers of a pair, read from their directories while they run: first
 * everything so far in time order, then, with follow, each new event as it is written; as text for people, or one
 * JSON object per line ({@link EventJson}) for scripts.
 * <p>
 * Not thread-safe: one command's thread.
 */
final class EventsPrinter
{
    private EventsPrinter()
    {
    }

    static int print(final Path dataDir, final boolean follow, final boolean json, final PrintWriter out,
        final PrintWriter err) throws InterruptedException
    {
        final Function<JournalEvent, String> line = json ? EventJson::render : JournalEvent::toString;
        final List<EventJournalReader> readers = new ArrayList<>();
        try
        {
            for (int id = 0; id < 2; id++)
            {
                final Path dir = ControllerContext.controllerDir(dataDir, id).resolve("journal");
                if (Files.isDirectory(dir))
                {
                    readers.add(EventJournalReader.open(dir));
                }
            }
            if (readers.isEmpty())
            {
                err.println("no event journal under " + dataDir.resolve("controller-N/journal") +
                    ": has a controller run with --data-dir " + dataDir + "?");
                return ExitCodes.FAILED;
            }
            final List<JournalEvent> events = new ArrayList<>();
            for (final EventJournalReader reader : readers)
            {
                events.addAll(reader.readAll());
            }
            events.sort(Comparator.comparingLong(JournalEvent::timeMs));
            events.forEach(event -> out.println(line.apply(event)));
            out.flush();
            while (follow)
            {
                int seen = 0;
                for (final EventJournalReader reader : readers)
                {
                    seen += reader.poll(event -> out.println(line.apply(event)), 100);
                }
                out.flush();
                if (0 == seen)
                {
                    TimeUnit.MILLISECONDS.sleep(100); // tailing another process's journal: nothing to step
                }
            }
            return ExitCodes.OK;
        }
        finally
        {
            readers.forEach(EventJournalReader::close);
        }
    }
}
