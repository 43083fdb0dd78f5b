package io.tandem.cli.pair;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.tandem.cli.pair.PairControl.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's first command, as a new user runs it (on ports of its own): the whole failover story ends with
 * every acknowledged write verified, and with a report whose chart names every step and whose timeline holds the
 * client's intervals and both controllers' events.
 */
class DemoTest
{
    @TempDir
    Path dir;

    @Test
    void theDemoVerifiesEveryWriteAndWritesAReportOfEveryFailover() throws Exception
    {
        final Path report = dir.resolve("report");
        final String[] demo = run("demo", "--nbd-port-base", "12609", "--service-port", "12600",
            "--interconnect-port-base", "28300", "--dir", dir.resolve("pair").toString(),
            "--report", report.toString());

        assertEquals("0", demo[0], demo[1] + demo[2]);
        assertTrue(demo[1].contains("every acknowledged write verified: no write lost"), demo[1]);
        assertTrue(demo[1].contains("report: " + report.resolve("report.html")), demo[1]);

        final String html = Files.readString(report.resolve("report.html"));
        assertTrue(html.contains("<svg"), "the chart is in the page");
        for (final String step : List.of("path 0 pulled", "disk 1 dies", "kill -9 primary", "c1 serves", "giveback"))
        {
            assertTrue(html.contains(step), "the report names '" + step + "'");
        }
        assertTrue(html.matches("(?s).*takeover: \\d+ ms outage.*"), "the takeover's outage is labelled");
        assertTrue(Files.size(report.resolve("report.png")) > 10_000, "a chart drawn into the PNG");

        final ObjectMapper json = new ObjectMapper();
        final List<String> lines = Files.readAllLines(report.resolve("timeline.jsonl"));
        assertEquals("tandem-timeline", json.readTree(lines.get(0)).path("format").asText());
        long intervals = 0;
        boolean rolesChanged = false;
        for (final String line : lines)
        {
            final JsonNode record = json.readTree(line);
            intervals += "interval".equals(record.path("record").asText()) ? 1 : 0;
            rolesChanged |= "ROLE_CHANGE".equals(record.path("type").asText());
        }
        assertTrue(intervals > 100, "at least ten seconds of 100 ms intervals: " + intervals);
        assertTrue(rolesChanged, "the controllers' journals are in the timeline");
    }
}
