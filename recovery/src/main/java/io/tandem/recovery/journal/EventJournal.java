package io.tandem.recovery.journal;

import io.tandem.recovery.consumer.ConsumerListener;
import io.tandem.recovery.consumer.ConsumerState;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.concurrent.EpochClock;

/**
 * A controller's journal of what happened to it, appended to a Chronicle Queue: role and epoch changes, path
 * events, consistency points, takeover and giveback steps, each recovery consumer's start and end, and notes.
 * It is an audit trail, not the NVLog: read it with {@link EventJournalReader}, from this process or another
 * while this one writes.
 * <p>
 * An event counts as written when its append returns: it is in the queue's memory-mapped file and visible to
 * readers in other processes, and it survives the death of this process (kill -9). It does not promise to
 * survive the machine losing power; the journal is not synced.
 * <p>
 * Thread-safe: appends are serialised on the journal, so any thread may append; each append returns the
 * event's index.
 */
public final class EventJournal implements AutoCloseable
{
    private final ChronicleQueue queue;
    private final ExcerptAppender appender;
    private final EpochClock epochClock;
    private final int controllerId;
    private long epoch;
    private boolean closed;

    private EventJournal(final EventJournalContext ctx)
    {
        this.epochClock = ctx.epochClock();
        this.controllerId = ctx.controllerId();
        this.epoch = ctx.epoch();
        this.queue = JournalQueues.open(ctx);
        this.appender = JournalQueues.anyThread(queue.createAppender());
    }

    /**
     * Opens the journal in the context's directory, creating it if needed, and appends after what is there.
     *
     * @param ctx concluded here.
     */
    public static EventJournal open(final EventJournalContext ctx)
    {
        return new EventJournal(ctx.conclude());
    }

    public int controllerId()
    {
        return controllerId;
    }

    /**
     * @return the epoch stamped on the next event.
     */
    public synchronized long epoch()
    {
        return epoch;
    }

    /**
     * @return the event's index.
     */
    public long roleChange(final String newRole, final String previousRole)
    {
        return append(EventType.ROLE_CHANGE, null, newRole, null, 0, previousRole);
    }

    /**
     * Records a new epoch, which is stamped on this and every later event.
     *
     * @return the event's index.
     */
    public synchronized long epochChange(final long newEpoch, final String reason)
    {
        final long previous = epoch;
        epoch = newEpoch;
        return append(EventType.EPOCH_CHANGE, null, null, null, previous, reason);
    }

    public long pathUp(final int pathId, final String detail)
    {
        return append(EventType.PATH_UP, null, null, null, pathId, detail);
    }

    public long pathDown(final int pathId, final String reason)
    {
        return append(EventType.PATH_DOWN, null, null, null, pathId, reason);
    }

    public long consistencyPoint(final long cpLsn, final String detail)
    {
        return append(EventType.CONSISTENCY_POINT, null, null, null, cpLsn, detail);
    }

    /**
     * @param status STARTED, DONE or FAILED.
     */
    public long takeoverStep(final String operation, final String step, final String status, final String detail)
    {
        return append(EventType.TAKEOVER_STEP, operation, step, status, 0, detail);
    }

    /**
     * @param status STARTED, DONE or FAILED.
     */
    public long givebackStep(final String operation, final String step, final String status, final String detail)
    {
        return append(EventType.GIVEBACK_STEP, operation, step, status, 0, detail);
    }

    public long consumerStart(final String operation, final String consumer)
    {
        return append(EventType.CONSUMER_START, operation, consumer, null, 0, null);
    }

    /**
     * @param state what became of the consumer; DONE is what a resumed walk skips.
     * @param cause why it failed, or null.
     */
    public long consumerEnd(
        final String operation, final String consumer, final ConsumerState state, final long durationMs,
        final Throwable cause)
    {
        return append(EventType.CONSUMER_END, operation, consumer, state.name(), durationMs,
            null == cause ? null : cause.toString());
    }

    /**
     * A pool member changed state ({@link EventType#DISK_CHANGE}).
     */
    public long diskChange(final String member, final String state, final long age, final String detail)
    {
        return append(EventType.DISK_CHANGE, null, member, state, age, detail);
    }

    /**
     * A free-form event.
     *
     * @param subject what it is about, or null.
     */
    public long note(final String subject, final String message)
    {
        return append(EventType.NOTE, null, subject, null, 0, message);
    }

    /**
     * @return a listener that records a consumer walk's starts and ends here, for {@code ConsumerWalk.listener}.
     */
    public ConsumerListener consumerListener()
    {
        return new ConsumerListener()
        {
            public void onConsumerStart(final String operationId, final String consumer)
            {
                consumerStart(operationId, consumer);
            }

            public void onConsumerEnd(
                final String operationId, final String consumer, final ConsumerState state, final Throwable cause,
                final long durationMs)
            {
                consumerEnd(operationId, consumer, state, durationMs, cause);
            }
        };
    }

    private synchronized long append(
        final EventType type, final String operation, final String subject, final String status, final long value,
        final String detail)
    {
        if (closed)
        {
            throw new IllegalStateException("journal is closed");
        }
        try (DocumentContext dc = appender.writingDocument())
        {
            EventCodec.encode(dc.wire(), type, epochClock.time(), controllerId, epoch, operation, subject, status,
                value, detail);
        }
        return appender.lastIndexAppended();
    }

    public synchronized void close()
    {
        if (!closed)
        {
            closed = true;
            appender.close();
            queue.close();
        }
    }
}
