package io.tandem.recovery.journal;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Child JVM for {@link JournalFollowTest}: follows a journal another process writes, as
 * {@code tandem ctl events --follow} would, and prints one line per event; exits after a NOTE with subject
 * "stop".
 * <p>
 * Arguments: the journal directory.
 */
public final class JournalFollowerChild
{
    private JournalFollowerChild()
    {
    }

    public static void main(final String[] args)
    {
        final IdleStrategy idle = new BackoffIdleStrategy(1, 1, TimeUnit.MICROSECONDS.toNanos(10),
            TimeUnit.MILLISECONDS.toNanos(1));
        final boolean[] stop = new boolean[1];
        try (EventJournalReader reader = EventJournalReader.open(Path.of(args[0])))
        {
            System.out.println("READY");
            System.out.flush();
            while (!stop[0])
            {
                idle.idle(reader.poll(event ->
                {
                    System.out.println(line(event));
                    stop[0] = EventType.NOTE == event.type() && "stop".equals(event.subject());
                }, 16));
                System.out.flush();
            }
        }
    }

    static String line(final JournalEvent event)
    {
        return event.type() + "|" + event.controllerId() + "|" + event.epoch() + "|" + event.operation() + "|" +
            event.subject() + "|" + event.status() + "|" + event.value() + "|" + event.detail();
    }
}
