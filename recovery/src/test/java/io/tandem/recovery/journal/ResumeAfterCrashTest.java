package io.tandem.recovery.journal;

import io.tandem.recovery.consumer.ConsumerState;
import io.tandem.recovery.consumer.WalkResult;
import io.tandem.staging.testing.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A takeover interrupted by kill -9 resumes from the journal: the consumers the dead walk finished are not run
 * again, the rest are.
 */
class ResumeAfterCrashTest
{
    private static final String OPERATION = "takeover-epoch-7";

    @TempDir
    Path dir;

    @Test
    @SuppressWarnings("try") // ChildJvm.close() may throw InterruptedException; the test method declares it
    void walkKilledPartWayResumesWithOnlyTheRest() throws Exception
    {
        final Path journalDir = dir.resolve("journal");
        final Set<String> printedDone = new LinkedHashSet<>();
        try (ChildJvm child = ChildJvm.start(TakeoverWalkChild.class, dir.resolve("child.err"),
            journalDir.toString(), OPERATION, "consistency-point"))
        {
            String line;
            while (null != (line = child.readLine()) && !line.startsWith("BLOCKED"))
            {
                final String[] words = line.split(" ");
                assertEquals("COMPLETED", words[0], line);
                assertEquals("DONE", words[2], line);
                printedDone.add(words[1]);
            }
            assertEquals("BLOCKED consistency-point", line, "child did not get there; see " + child.stderr());
            child.kill();
        }
        assertEquals(Set.of("fence", "load-superblock", "scan-stream-0", "scan-stream-1", "replay-stream-0",
            "replay-stream-1"), printedDone);

        final List<String> ran = Collections.synchronizedList(new ArrayList<>());
        try (EventJournal journal = EventJournal.open(new EventJournalContext().directory(journalDir)
            .controllerId(2).epoch(7));
            EventJournalReader reader = EventJournalReader.open(journalDir))
        {
            final Set<String> completed = JournalResume.completedConsumers(reader, OPERATION);
            assertEquals(printedDone, completed);

            journal.takeoverStep(OPERATION, "walk", "RESUMED", "after a crash: " + completed.size() + " done");
            final WalkResult result = TakeoverGraphs.takeover(name -> ctx -> ran.add(name))
                .walk(OPERATION)
                .resume(completed)
                .listener(journal.consumerListener())
                .run();

            assertTrue(result.passed(), result.snapshot()::toText);
            assertEquals(List.of("consistency-point", "serve"), ran);
            for (final String done : completed)
            {
                assertTrue(result.snapshot().status(done).resumed(), done);
                assertEquals(ConsumerState.DONE, result.snapshot().state(done));
            }
            assertFalse(result.snapshot().status("serve").resumed());
            assertEquals(8, JournalResume.completedConsumers(reader, OPERATION).size());

            // the journal tells the whole story: the dead walk's consumer that never ended, then the resumed one
            final List<JournalEvent> events = reader.toStart().readAll();
            assertEquals(2, events.stream()
                .filter(e -> e.type() == EventType.CONSUMER_START && e.subject().equals("consistency-point"))
                .count());
        }
    }
}
