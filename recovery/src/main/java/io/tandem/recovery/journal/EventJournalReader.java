package io.tandem.recovery.journal;

import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a controller's journal, from this process or another one while the controller writes it: from the
 * start ({@link #readAll()}), or following it with {@link #poll(EventHandler, int)}, which never blocks and
 * returns what is new since the last call. Documents that are not journal events are passed over.
 * <p>
 * Not thread-safe: one thread reads.
 */
public final class EventJournalReader implements AutoCloseable
{
    private final ChronicleQueue queue;
    private final ExcerptTailer tailer;
    private final JournalEvent event = new JournalEvent();

    private EventJournalReader(final EventJournalContext ctx)
    {
        this.queue = JournalQueues.open(ctx);
        this.tailer = JournalQueues.anyThread(queue.createTailer());
    }

    /**
     * Opens a reader at the start of the journal.
     *
     * @param ctx concluded here; only the directory, roll cycle and block size matter.
     */
    public static EventJournalReader open(final EventJournalContext ctx)
    {
        return new EventJournalReader(ctx.conclude());
    }

    /**
     * Opens a reader at the start of the journal in the directory, with the default settings.
     */
    public static EventJournalReader open(final Path directory)
    {
        return open(new EventJournalContext().directory(directory));
    }

    /**
     * Moves to the first event, to read everything again.
     */
    public EventJournalReader toStart()
    {
        tailer.toStart();
        return this;
    }

    /**
     * Moves past the last event, to follow only what comes next.
     */
    public EventJournalReader toEnd()
    {
        tailer.toEnd();
        return this;
    }

    /**
     * Hands the handler the events appended since the last poll, at most {@code limit} of them. Never blocks.
     *
     * @return how many events were handled; 0 when there is nothing new.
     */
    public int poll(final EventHandler handler, final int limit)
    {
        int count = 0;
        while (count < limit)
        {
            try (DocumentContext dc = tailer.readingDocument())
            {
                if (!dc.isPresent())
                {
                    break;
                }
                if (!dc.isMetaData() && null != EventCodec.decode(dc.wire(), dc.index(), event))
                {
                    handler.onEvent(event);
                    count++;
                }
            }
        }
        return count;
    }

    /**
     * @return every event from the current position to the end, copied; from the start on a new reader.
     */
    public List<JournalEvent> readAll()
    {
        final List<JournalEvent> events = new ArrayList<>();
        while (poll(e -> events.add(e.copy()), Integer.MAX_VALUE) > 0)
        {
            // poll stops only at the end, or after Integer.MAX_VALUE events
        }
        return events;
    }

    public void close()
    {
        tailer.close();
        queue.close();
    }
}
