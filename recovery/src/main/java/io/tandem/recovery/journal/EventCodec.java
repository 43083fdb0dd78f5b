package io.tandem.recovery.journal;

import net.openhft.chronicle.wire.ValueIn;
import net.openhft.chronicle.wire.WireIn;
import net.openhft.chronicle.wire.WireOut;

/**
 * How an event is laid out in a Chronicle Queue document: named fields in Chronicle's binary wire, written and
 * read one by one with no reflection, so the queue stays readable by Chronicle's own dump tools.
 * <pre>
 *   type: text (EventType name)   t: int64 (wall ms)   c: int32 (controller)   e: int64 (epoch)
 *   op: text   subject: text   status: text   value: int64   detail: text
 * </pre>
 * Every field is written for every type, in this order; a reader finds fields by name, so fields may be added
 * at the end later without breaking old readers.
 * <p>
 * Stateless; thread-safe.
 */
final class EventCodec
{
    static final String TYPE = "type";
    static final String TIME_MS = "t";
    static final String CONTROLLER = "c";
    static final String EPOCH = "e";
    static final String OPERATION = "op";
    static final String SUBJECT = "subject";
    static final String STATUS = "status";
    static final String VALUE = "value";
    static final String DETAIL = "detail";

    private EventCodec()
    {
    }

    static void encode(
        final WireOut wire, final EventType type, final long timeMs, final int controllerId, final long epoch,
        final String operation, final String subject, final String status, final long value, final String detail)
    {
        wire.write(TYPE).text(type.name())
            .write(TIME_MS).int64(timeMs)
            .write(CONTROLLER).int32(controllerId)
            .write(EPOCH).int64(epoch)
            .write(OPERATION).text(nonNull(operation))
            .write(SUBJECT).text(nonNull(subject))
            .write(STATUS).text(nonNull(status))
            .write(VALUE).int64(value)
            .write(DETAIL).text(nonNull(detail));
    }

    /**
     * @return the event, or null if the document is not a journal event (its type is missing or unknown).
     */
    static JournalEvent decode(final WireIn wire, final long index, final JournalEvent into)
    {
        final String typeName = wire.read(TYPE).text();
        final EventType type = parse(typeName);
        if (null == type)
        {
            return null;
        }
        final long timeMs = wire.read(TIME_MS).int64();
        final int controllerId = wire.read(CONTROLLER).int32();
        final long epoch = wire.read(EPOCH).int64();
        final String operation = text(wire.read(OPERATION));
        final String subject = text(wire.read(SUBJECT));
        final String status = text(wire.read(STATUS));
        final long value = wire.read(VALUE).int64();
        final String detail = text(wire.read(DETAIL));
        return into.set(index, type, timeMs, controllerId, epoch, operation, subject, status, value, detail);
    }

    private static EventType parse(final String name)
    {
        if (null == name)
        {
            return null;
        }
        try
        {
            return EventType.valueOf(name);
        }
        catch (final IllegalArgumentException ex)
        {
            return null;
        }
    }

    private static String text(final ValueIn in)
    {
        final String text = in.text();
        return null == text ? "" : text;
    }

    private static String nonNull(final String text)
    {
        return null == text ? "" : text;
    }
}
