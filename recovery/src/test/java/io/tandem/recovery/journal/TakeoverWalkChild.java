package io.tandem.recovery.journal;

import io.tandem.recovery.consumer.ConsumerListener;
import io.tandem.recovery.consumer.ConsumerState;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Child JVM for {@link ResumeAfterCrashTest}: a secondary's takeover walk that records to its journal, prints
 * "COMPLETED name" once a consumer's end is in the journal, and blocks for ever in one consumer (printing
 * "BLOCKED name") so the test can kill it there.
 * <p>
 * Arguments: the journal directory, the operation id, the consumer to block in.
 */
public final class TakeoverWalkChild
{
    private TakeoverWalkChild()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final String operationId = args[1];
        final String blockIn = args[2];
        try (EventJournal journal = EventJournal.open(new EventJournalContext().directory(Path.of(args[0]))
            .controllerId(2).epoch(7)))
        {
            final ConsumerListener journaling = journal.consumerListener();
            journal.takeoverStep(operationId, "walk", "STARTED", null);
            TakeoverGraphs.takeover(name -> ctx ->
            {
                if (name.equals(blockIn))
                {
                    print("BLOCKED " + name);
                    new CountDownLatch(1).await();
                }
            }).walk(operationId).listener(new ConsumerListener()
            {
                public void onConsumerStart(final String operation, final String consumer)
                {
                    journaling.onConsumerStart(operation, consumer);
                }

                public void onConsumerEnd(
                    final String operation, final String consumer, final ConsumerState state, final Throwable cause,
                    final long durationMs)
                {
                    journaling.onConsumerEnd(operation, consumer, state, cause, durationMs);
                    print("COMPLETED " + consumer + " " + state);
                }
            }).run();
            print("WALK ENDED");
        }
    }

    private static void print(final String line)
    {
        synchronized (System.out)
        {
            System.out.println(line);
            System.out.flush();
        }
    }
}
