package io.tandem.cli;

import io.tandem.controller.status.StatusWriter;
import io.tandem.recovery.journal.EventType;
import io.tandem.recovery.journal.JournalEvent;

import java.time.Instant;

/**
 * One journal event as one JSON object on one line, for {@code tandem ctl events --json}: what changed
 * ({@code type}), on which object ({@code subject}, {@code op}), and the new values. Schema in the cli README.
 * Stateless; thread-safe.
 */
final class EventJson
{
    private EventJson()
    {
    }

    static String render(final JournalEvent event)
    {
        final StatusWriter out = StatusWriter.json(new StringBuilder(256))
            .field("time", Instant.ofEpochMilli(event.timeMs()).toString())
            .field("time_ms", event.timeMs())
            .field("controller", event.controllerId())
            .field("epoch", event.epoch())
            .field("type", event.type().name());
        if (EventType.ROLE_CHANGE == event.type())
        {
            out.field("from", event.detail()).field("to", event.subject());
        }
        else
        {
            optional(out, "op", event.operation());
            optional(out, "subject", event.subject());
            optional(out, "status", event.status());
            out.field("value", event.value());
            optional(out, "detail", event.detail());
        }
        return out.finish().trim();
    }

    private static void optional(final StatusWriter out, final String key, final String value)
    {
        if (!value.isEmpty())
        {
            out.field(key, value);
        }
    }
}
