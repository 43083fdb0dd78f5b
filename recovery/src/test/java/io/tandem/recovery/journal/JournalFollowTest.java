package io.tandem.recovery.journal;

import io.tandem.recovery.consumer.ConsumerState;
import io.tandem.staging.testing.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Another JVM follows the journal while this one writes it: every event reaches it, whole and in order, while
 * the writer is still running.
 */
class JournalFollowTest
{
    @TempDir
    Path dir;

    @Test
    @SuppressWarnings("try") // ChildJvm.close() may throw InterruptedException; the test method declares it
    void anotherJvmFollowsTheJournalWhileThisOneWrites() throws Exception
    {
        final Path journalDir = dir.resolve("journal");
        try (EventJournal journal = EventJournal.open(new EventJournalContext().directory(journalDir)
            .controllerId(1).epoch(3));
            ChildJvm follower = ChildJvm.start(JournalFollowerChild.class, dir.resolve("follower.err"),
                journalDir.toString()))
        {
            assertEquals("READY", follower.readLine(), "follower did not start; see " + follower.stderr());

            journal.roleChange("PRIMARY", "NONE");
            journal.pathUp(0, "127.0.0.1:20121");
            journal.pathDown(0, "pulled");
            assertEquals(List.of(
                "ROLE_CHANGE|1|3||PRIMARY||0|NONE",
                "PATH_UP|1|3||||0|127.0.0.1:20121",
                "PATH_DOWN|1|3||||0|pulled"), readLines(follower, 3));

            // the follower has seen the first batch: what comes next reaches it while this JVM keeps writing
            journal.epochChange(4, "takeover");
            for (int i = 0; i < 100; i++)
            {
                journal.consumerEnd("takeover-epoch-4", "replay-stream-" + i, ConsumerState.DONE, i, null);
            }
            journal.consistencyPoint(77, null);
            journal.note("stop", "bye");

            assertEquals("EPOCH_CHANGE|1|4||||3|takeover", follower.readLine());
            for (int i = 0; i < 100; i++)
            {
                assertEquals("CONSUMER_END|1|4|takeover-epoch-4|replay-stream-" + i + "|DONE|" + i + "|",
                    follower.readLine());
            }
            assertEquals("CONSISTENCY_POINT|1|4||||77|", follower.readLine());
            assertEquals("NOTE|1|4||stop||0|bye", follower.readLine());
            assertEquals(0, follower.waitFor(30, TimeUnit.SECONDS), "see " + follower.stderr());
        }
    }

    private static List<String> readLines(final ChildJvm child, final int count) throws Exception
    {
        final String[] lines = new String[count];
        for (int i = 0; i < count; i++)
        {
            lines[i] = child.readLine();
        }
        return List.of(lines);
    }
}
