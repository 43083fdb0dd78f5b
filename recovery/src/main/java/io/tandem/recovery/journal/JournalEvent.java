package io.tandem.recovery.journal;

/**
 * One event of a controller's journal. A reader fills one instance again and again as it polls (no allocation
 * per event beyond its strings); {@link #copy()} keeps one.
 * <p>
 * Fields a type does not use are empty strings and 0; see {@link EventType} for which each type uses.
 * <p>
 * Not thread-safe.
 */
public final class JournalEvent
{
    private long index;
    private EventType type;
    private long timeMs;
    private int controllerId;
    private long epoch;
    private String operation = "";
    private String subject = "";
    private String status = "";
    private long value;
    private String detail = "";

    /**
     * @return the event's index in the queue: unique and increasing in the order events were appended.
     */
    public long index()
    {
        return index;
    }

    public EventType type()
    {
        return type;
    }

    /**
     * @return wall-clock time of the event, ms since the epoch.
     */
    public long timeMs()
    {
        return timeMs;
    }

    /**
     * @return the controller whose journal this is.
     */
    public int controllerId()
    {
        return controllerId;
    }

    /**
     * @return the controller's epoch when the event happened; for {@link EventType#EPOCH_CHANGE} the new one.
     */
    public long epoch()
    {
        return epoch;
    }

    /**
     * @return the operation a step or consumer belongs to, for example {@code takeover-epoch-7}.
     */
    public String operation()
    {
        return operation;
    }

    public String subject()
    {
        return subject;
    }

    public String status()
    {
        return status;
    }

    public long value()
    {
        return value;
    }

    public String detail()
    {
        return detail;
    }

    JournalEvent set(
        final long index, final EventType type, final long timeMs, final int controllerId, final long epoch,
        final String operation, final String subject, final String status, final long value, final String detail)
    {
        this.index = index;
        this.type = type;
        this.timeMs = timeMs;
        this.controllerId = controllerId;
        this.epoch = epoch;
        this.operation = null == operation ? "" : operation;
        this.subject = null == subject ? "" : subject;
        this.status = null == status ? "" : status;
        this.value = value;
        this.detail = null == detail ? "" : detail;
        return this;
    }

    /**
     * @return a copy to keep after the reader moves on.
     */
    public JournalEvent copy()
    {
        return new JournalEvent().set(index, type, timeMs, controllerId, epoch, operation, subject, status, value,
            detail);
    }

    /**
     * @return one line, as {@code tandem ctl events} prints it.
     */
    public String toString()
    {
        final StringBuilder out = new StringBuilder(96);
        out.append(java.time.Instant.ofEpochMilli(timeMs)).append(" c").append(controllerId)
            .append(" e").append(epoch).append(' ').append(type);
        if (EventType.ROLE_CHANGE == type)
        {
            // which way it went, in so many words: from the role before to the new one
            append(out, "from", detail);
            append(out, "to", subject);
            return out.toString();
        }
        append(out, "op", operation);
        append(out, "subject", subject);
        append(out, "status", status);
        if (0 != value)
        {
            out.append(" value=").append(value);
        }
        append(out, "detail", detail);
        return out.toString();
    }

    private static void append(final StringBuilder out, final String name, final String field)
    {
        if (!field.isEmpty())
        {
            out.append(' ').append(name).append('=').append(field);
        }
    }
}
