package io.tandem.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tandem.controller.ControllerContext;
import io.tandem.recovery.journal.EventJournal;
import io.tandem.recovery.journal.EventJournalContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class EventsJsonTest
{
    @TempDir
    Path dir;

    @Test
    void eachEventIsOneJsonObjectOnALineWithWhatChangedOnWhichObjectAndTheNewValues() throws Exception
    {
        final AtomicLong clockMs = new AtomicLong(1_800_000_000_000L);
        for (int id = 0; id < 2; id++)
        {
            final EventJournalContext ctx = new EventJournalContext()
                .directory(ControllerContext.controllerDir(dir, id).resolve("journal"))
                .controllerId(id).epoch(3).epochClock(clockMs::incrementAndGet);
            try (EventJournal journal = EventJournal.open(ctx))
            {
                if (0 == id)
                {
                    journal.roleChange("primary", "secondary");
                    journal.diskChange("disk 1 disk-1.img", "FAILED", 7, "was ACTIVE: \"injected\" read error");
                }
                else
                {
                    journal.pathDown(1, "pulled");
                }
            }
        }
        final CommandRun run = CommandRun.execute("ctl", "events", "--json", "--data-dir", dir.toString());
        assertEquals(ExitCodes.OK, run.exitCode, run::toString);
        final String[] lines = run.out.trim().split("\n");
        assertEquals(3, lines.length, run::toString);
        final ObjectMapper json = new ObjectMapper();
        final JsonNode role = json.readTree(lines[0]);
        assertEquals("ROLE_CHANGE", role.get("type").asText());
        assertEquals("secondary", role.get("from").asText());
        assertEquals("primary", role.get("to").asText());
        assertEquals(0, role.get("controller").asInt());
        assertEquals(3, role.get("epoch").asLong());
        assertEquals(1_800_000_000_001L, role.get("time_ms").asLong());
        final JsonNode disk = json.readTree(lines[1]);
        assertEquals("DISK_CHANGE", disk.get("type").asText());
        assertEquals("FAILED", disk.get("status").asText());
        assertEquals(7, disk.get("value").asLong());
        assertEquals("was ACTIVE: \"injected\" read error", disk.get("detail").asText());
        final JsonNode path = json.readTree(lines[2]);
        assertEquals("PATH_DOWN", path.get("type").asText());
        assertEquals(1, path.get("controller").asInt());
        assertEquals(1, path.get("value").asInt());
        assertFalse(path.has("op"), "empty fields are left out");
    }
}
