package io.tandem.recovery.journal;

import io.tandem.recovery.consumer.ConsumerState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventJournalTest
{
    @TempDir
    Path dir;

    @Test
    void everyEventTypeRoundTripsAndFollowingSeesOnlyWhatIsNew()
    {
        final AtomicLong clockMs = new AtomicLong(1_700_000_000_000L);
        final EventJournalContext ctx = new EventJournalContext().directory(dir.resolve("journal"))
            .controllerId(2).epoch(6).epochClock(clockMs::incrementAndGet);
        try (EventJournal journal = EventJournal.open(ctx);
            EventJournalReader reader = EventJournalReader.open(dir.resolve("journal")))
        {
            final List<JournalEvent> seen = new ArrayList<>();
            assertEquals(0, reader.poll(e -> seen.add(e.copy()), 100), "a new journal is empty");

            journal.roleChange("PRIMARY", "SECONDARY");
            journal.epochChange(7, "takeover");
            journal.pathUp(1, "127.0.0.2:20121");
            journal.pathDown(0, "no heartbeat for 500 ms");
            journal.consistencyPoint(4242, "128 blocks");
            journal.takeoverStep("takeover-epoch-7", "fence", "DONE", "killed pid 1234");
            journal.givebackStep("giveback-epoch-8", "quiesce", "STARTED", null);
            journal.consumerStart("takeover-epoch-7", "scan-stream-3");
            journal.consumerEnd("takeover-epoch-7", "scan-stream-3", ConsumerState.FAILED, 12,
                new IllegalStateException("torn"));
            final long lastIndex = journal.note("operator", "hello");

            assertEquals(10, reader.poll(e -> seen.add(e.copy()), 100));
            assertEquals(0, reader.poll(e -> seen.add(e.copy()), 100), "nothing new: poll returns at once");

            int i = 0;
            assertTrue(seen.get(i).toString().endsWith("ROLE_CHANGE from=SECONDARY to=PRIMARY"),
                seen.get(i)::toString); // which way the change went, not subject= and detail=
            check(seen.get(i++), EventType.ROLE_CHANGE, 6, "", "PRIMARY", "", 0, "SECONDARY");
            check(seen.get(i++), EventType.EPOCH_CHANGE, 7, "", "", "", 6, "takeover");
            check(seen.get(i++), EventType.PATH_UP, 7, "", "", "", 1, "127.0.0.2:20121");
            check(seen.get(i++), EventType.PATH_DOWN, 7, "", "", "", 0, "no heartbeat for 500 ms");
            check(seen.get(i++), EventType.CONSISTENCY_POINT, 7, "", "", "", 4242, "128 blocks");
            check(seen.get(i++), EventType.TAKEOVER_STEP, 7, "takeover-epoch-7", "fence", "DONE", 0,
                "killed pid 1234");
            check(seen.get(i++), EventType.GIVEBACK_STEP, 7, "giveback-epoch-8", "quiesce", "STARTED", 0, "");
            check(seen.get(i++), EventType.CONSUMER_START, 7, "takeover-epoch-7", "scan-stream-3", "", 0, "");
            check(seen.get(i++), EventType.CONSUMER_END, 7, "takeover-epoch-7", "scan-stream-3", "FAILED", 12,
                "java.lang.IllegalStateException: torn");
            check(seen.get(i++), EventType.NOTE, 7, "", "operator", "", 0, "hello");
            for (int e = 0; e < seen.size(); e++)
            {
                assertEquals(2, seen.get(e).controllerId());
                assertEquals(1_700_000_000_001L + e, seen.get(e).timeMs());
                assertTrue(e == 0 || seen.get(e).index() > seen.get(e - 1).index());
            }
            assertEquals(lastIndex, seen.get(9).index());
            assertTrue(seen.get(5).toString().contains("TAKEOVER_STEP op=takeover-epoch-7 subject=fence status=DONE"),
                seen.get(5).toString());

            journal.note(null, "later");
            assertEquals(1, reader.poll(e -> seen.add(e.copy()), 100));
            assertEquals("later", seen.get(10).detail());
            assertEquals(11, reader.toStart().readAll().size());
        }
    }

    @Test
    void completedConsumersAreTheOperationsLastDoneEnds()
    {
        final EventJournalContext ctx = new EventJournalContext().directory(dir.resolve("journal"));
        try (EventJournal journal = EventJournal.open(ctx);
            EventJournalReader reader = EventJournalReader.open(dir.resolve("journal")))
        {
            final String op = "takeover-epoch-9";
            journal.consumerEnd(op, "fence", ConsumerState.DONE, 1, null);
            journal.consumerEnd("takeover-epoch-8", "scan", ConsumerState.DONE, 1, null);
            journal.consumerEnd(op, "load", ConsumerState.DONE, 1, null);
            journal.consumerEnd(op, "replay", ConsumerState.DONE, 1, null);
            journal.consumerEnd(op, "replay", ConsumerState.UNDONE, 1, null);
            journal.consumerStart(op, "cp");
            journal.consumerEnd(op, "serve", ConsumerState.FAILED, 1, new IllegalStateException());

            assertEquals(Set.of("fence", "load"), JournalResume.completedConsumers(reader, op));
            assertEquals(Set.of("fence", "load"), JournalResume.completedConsumers(reader.toStart().readAll(), op));
        }
    }


    private static void check(
        final JournalEvent event, final EventType type, final long epoch, final String operation,
        final String subject, final String status, final long value, final String detail)
    {
        assertEquals(type, event.type(), event::toString);
        assertEquals(epoch, event.epoch(), event::toString);
        assertEquals(operation, event.operation(), event::toString);
        assertEquals(subject, event.subject(), event::toString);
        assertEquals(status, event.status(), event::toString);
        assertEquals(value, event.value(), event::toString);
        assertEquals(detail, event.detail(), event::toString);
    }
}
