package io.tandem.cli.pair;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.tandem.cli.pair.PairControl.await;
import static io.tandem.cli.pair.PairControl.mirrored;
import static io.tandem.cli.pair.PairControl.run;
import static io.tandem.cli.pair.PairControl.statusJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code tandem workload --timeline} through a takeover: a verifying workload on the pair's service address while
 * the primary is killed with kill -9. The timeline's intervals cover the run every 100 ms without a gap, the
 * outage shows as intervals where nothing completed, the lost connection and the reconnect are recorded, and the
 * intervals add up to the totals the workload reports.
 */
class WorkloadTimelineTest
{
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void aTimelineThroughAKillOfThePrimaryShowsTheOutageTheReconnectAndAddsUpToTheReport() throws Exception
    {
        final Path file = dir.resolve("timeline.jsonl");
        try (LaunchedPair pair = new LaunchedPair(dir, 12300, 12310, 27900))
        {
            // the secondary finds the dead primary by its stale heartbeat (400 ms), not at once from the host: an
            // outage of several intervals, where the exit watch's (under 100 ms) may fall across two
            pair.extra.add("--no-partner-exit-watch");
            pair.startSecondary();
            pair.startPrimary();
            await("the pair to mirror", 30, () -> mirrored(pair, 0));
            final CompletableFuture<String[]> workload = CompletableFuture.supplyAsync(() -> run("workload",
                "--target", "127.0.0.1:" + pair.servicePort, "--duration", "8s", "--queue-depth", "8",
                "--span", "32M", "--json", "--timeline", file.toString()));
            await("a second of the workload in its timeline", 30, () -> intervals(file) >= 10);
            pair.primary.kill();
            await(pair, "the secondary to take over", 60,
                () -> "primary".equals(statusJson(pair.controlBase + 1).path("role").asText()));
            final String[] result = workload.get(120, TimeUnit.SECONDS);
            assertEquals("0", result[0], result[1] + result[2]);
            final JsonNode report = JSON.readTree(result[1]);

            final List<JsonNode> lines = read(file);
            final JsonNode header = lines.get(0);
            assertEquals("header", header.path("record").asText());
            assertEquals("tandem-timeline", header.path("format").asText());
            assertEquals(1, header.path("version").asInt());
            assertEquals(100, header.path("interval_ms").asInt());

            final List<JsonNode> intervals = records(lines, "interval");
            long expectedMs = header.path("start_ms").asLong();
            for (int i = 0; i < intervals.size(); i++)
            {
                final JsonNode interval = intervals.get(i);
                assertEquals(expectedMs, interval.path("time_ms").asLong(), "interval " + i + " starts where the " +
                    "one before ended");
                if (i < intervals.size() - 1)
                {
                    assertEquals(100.0, interval.path("duration_ms").asDouble(), 1e-9, "interval " + i);
                }
                expectedMs += 100;
            }
            final double elapsedMs = report.path("elapsedMs").asDouble();
            assertEquals((long)Math.ceil(elapsedMs / 100), intervals.size(), "intervals cover the " + elapsedMs +
                " ms run");

            assertEquals(report.path("reads").path("ops").asLong(), sum(intervals, "reads"));
            assertEquals(report.path("writes").path("ops").asLong(), sum(intervals, "writes"));
            assertEquals(report.path("reads").path("bytes").asLong(), sum(intervals, "read_bytes"));
            assertEquals(report.path("writes").path("bytes").asLong(), sum(intervals, "write_bytes"));
            assertEquals(report.path("lostRequests").asLong(), sum(intervals, "lost"));
            assertTrue(report.path("lostRequests").asLong() > 0, "the kill lost the requests in flight");
            final JsonNode summary = records(lines, "summary").get(0);
            assertEquals(sum(intervals, "writes"), summary.path("writes").asLong());
            assertEquals("OK", summary.path("outcome").asText());

            final List<JsonNode> empty = new ArrayList<>();
            for (final JsonNode interval : intervals)
            {
                if (0 == interval.path("reads").asLong() + interval.path("writes").asLong())
                {
                    empty.add(interval);
                    assertTrue(interval.path("p99_us").isNull(), "no latency where nothing completed: " + interval);
                }
            }
            assertFalse(empty.isEmpty(), "the takeover left intervals where nothing completed");

            final List<JsonNode> events = records(lines, "event");
            final JsonNode lost = find(events, "CONNECTION_LOST");
            final JsonNode reconnected = find(events, "RECONNECTED");
            assertEquals("127.0.0.1:" + pair.servicePort, reconnected.path("to").asText());
            assertEquals(report.path("failovers").get(0).path("ms").asDouble(),
                reconnected.path("outage_ms").asDouble(), 0.05);
            assertTrue(lost.path("time_ms").asLong() <= reconnected.path("time_ms").asLong());
            final long emptyMs = empty.get(0).path("time_ms").asLong();
            JsonNode outage = null;
            for (final JsonNode event : events)
            {
                if ("OUTAGE".equals(event.path("type").asText()) && event.path("time_ms").asLong() <= emptyMs &&
                    event.path("end_ms").asLong() >= emptyMs + 100)
                {
                    outage = event;
                }
            }
            assertTrue(null != outage, "an outage covers the empty interval at " + emptyMs + ": " + events);
            assertTrue(outage.path("outage_ms").asDouble() >= reconnected.path("outage_ms").asDouble() - 1,
                "the client saw no completion from before the break to after the reconnect: " + outage);
        }
    }

    private static long intervals(final Path file)
    {
        try
        {
            return Files.exists(file) ? Files.readAllLines(file).stream().filter(l -> l.contains("\"interval\""))
                .count() : 0;
        }
        catch (final IOException ex)
        {
            return 0;
        }
    }

    private static List<JsonNode> read(final Path file) throws IOException
    {
        final List<JsonNode> lines = new ArrayList<>();
        for (final String line : Files.readAllLines(file))
        {
            lines.add(JSON.readTree(line));
        }
        return lines;
    }

    private static List<JsonNode> records(final List<JsonNode> lines, final String record)
    {
        final List<JsonNode> found = new ArrayList<>();
        for (final JsonNode line : lines)
        {
            if (record.equals(line.path("record").asText()))
            {
                found.add(line);
            }
        }
        return found;
    }

    private static JsonNode find(final List<JsonNode> events, final String type)
    {
        for (final JsonNode event : events)
        {
            if (type.equals(event.path("type").asText()))
            {
                return event;
            }
        }
        throw new AssertionError("no " + type + " event among " + events);
    }

    private static long sum(final List<JsonNode> intervals, final String field)
    {
        long total = 0;
        for (final JsonNode interval : intervals)
        {
            total += interval.path(field).asLong();
        }
        return total;
    }
}
