package io.tandem.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code tandem plot} on small timelines written here: the report stands alone, its chart shows each event's
 * label and each outage named after the step it followed, and a file that is not a timeline is refused, with its
 * line named.
 */
class PlotCommandTest
{
    private static final long START_MS = 1_800_000_000_000L;

    @TempDir
    Path dir;

    @Test
    void aDemoTimelineIsDrawnAsAPageThatStandsAloneWithEveryEventLabelledAndTheOutageNamed() throws Exception
    {
        final List<String> lines = workload("tandem demo: a test");
        lines.add(action(900, "kill -9 primary", "takeover", "kill -9 of the primary"));
        lines.add(action(1_700, "c1 serves", null, "controller 1 serves"));
        lines.add("{\"record\":\"event\",\"source\":\"controller\",\"time\":\"2027-01-15T08:00:01.500Z\"," +
            "\"time_ms\":" + (START_MS + 1_500) + ",\"controller\":1,\"epoch\":2,\"type\":\"ROLE_CHANGE\"," +
            "\"from\":\"secondary\",\"to\":\"primary\"}");
        lines.add("{\"record\":\"figure\",\"name\":\"kill -9 to serving\",\"value\":\"612 ms\"}");
        final Path file = write("demo.jsonl", lines);
        final Path html = dir.resolve("out.html");
        final Path png = dir.resolve("out.png");

        final CommandRun run = CommandRun.execute("plot", file.toString(), "-o", html.toString(), "--png",
            png.toString());
        assertEquals(ExitCodes.OK, run.exitCode, run::toString);
        assertTrue(run.out.contains(html.toAbsolutePath().toString()), run::toString);

        final String page = Files.readString(html, StandardCharsets.UTF_8);
        final String chart = page.substring(page.indexOf("<svg"), page.indexOf("</svg>"));
        for (final String label : List.of("kill -9 primary", "c1 serves", "takeover: 612 ms outage"))
        {
            assertTrue(chart.contains(label), "the chart labels '" + label + "'");
        }
        assertTrue(chart.contains("writes (ops/s)") && chart.contains("p99 latency"), "both panels, in the legend");
        assertFalse(chart.contains(">c1 \u2192 primary<"), "a story's steps are marked, the controllers' listed");
        assertTrue(page.contains("controller 1: secondary \u2192 primary"), "every event in the table");
        assertTrue(page.contains("connection 0 to 127.0.0.1:10800 lost: Connection reset"));
        assertTrue(page.contains("kill -9 to serving") && page.contains("612 ms"), "the figures");
        assertStandsAlone(page);

        final BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(1600, image.getWidth());
        assertEquals(900, image.getHeight());
    }

    @Test
    void aWorkloadAloneIsDrawnWithItsConnectionEventsAndTheOutageNamedAfterTheReconnect() throws Exception
    {
        final Path file = write("workload.jsonl", workload(null));
        final CommandRun run = CommandRun.execute("plot", file.toString());
        assertEquals(ExitCodes.OK, run.exitCode, run::toString);
        final String page = Files.readString(dir.resolve("workload.html"), StandardCharsets.UTF_8);
        final String chart = page.substring(page.indexOf("<svg"), page.indexOf("</svg>"));
        for (final String label : List.of("connection lost", "reconnected (605 ms)", "reconnect: 612 ms outage",
            "tandem workload on 127.0.0.1:10800"))
        {
            assertTrue(chart.contains(label), "the chart shows '" + label + "'");
        }
        assertStandsAlone(page);
    }

    @Test
    void aMalformedLineIsRefusedWithItsNumber() throws Exception
    {
        final List<String> lines = workload(null);
        lines.set(3, "{\"record\":\"interval\",\"time_ms\":");
        final Path file = write("bad.jsonl", lines);
        final CommandRun run = CommandRun.execute("plot", file.toString());
        assertEquals(ExitCodes.USAGE, run.exitCode, run::toString);
        assertTrue(run.err.contains(file + ":4: not JSON"), run::toString);
        assertFalse(Files.exists(dir.resolve("bad.html")), "nothing drawn");

        lines.set(3, "{\"record\":\"interval\",\"time_ms\":\"soon\",\"duration_ms\":100,\"reads\":1,\"writes\":1}");
        write("bad.jsonl", lines);
        final CommandRun field = CommandRun.execute("plot", file.toString());
        assertEquals(ExitCodes.USAGE, field.exitCode, field::toString);
        assertTrue(field.err.contains(file + ":4: \"time_ms\" must be a whole number"), field::toString);

        final Path notATimeline = write("status.json", List.of("{\"role\":\"primary\"}"));
        final CommandRun other = CommandRun.execute("plot", notATimeline.toString());
        assertEquals(ExitCodes.USAGE, other.exitCode, other::toString);
        assertTrue(other.err.contains(notATimeline + ":1: not a tandem timeline"), other::toString);

        final CommandRun missing = CommandRun.execute("plot", dir.resolve("none.jsonl").toString());
        assertEquals(ExitCodes.USAGE, missing.exitCode, missing::toString);
        assertTrue(missing.err.contains("no such file"), missing::toString);
    }

    /**
     * A workload's timeline of 3 s at 100 ms: steady, then from 1.0 s to 1.6 s nothing completes (a kill, a
     * reconnect), then steady again.
     */
    private static List<String> workload(final String title)
    {
        final List<String> lines = new ArrayList<>();
        lines.add("{\"record\":\"header\",\"format\":\"tandem-timeline\",\"version\":1,\"source\":\"workload\"," +
            (null == title ? "" : "\"title\":\"" + title + "\",") + "\"clock\":\"epoch_ms\",\"start_ms\":" +
            START_MS + ",\"interval_ms\":100,\"targets\":[\"127.0.0.1:10800\"],\"block_size\":4096," +
            "\"queue_depth\":16,\"connections\":1,\"read_percent\":30,\"span\":33554432,\"seed\":7}");
        for (int i = 0; i < 30; i++)
        {
            final boolean out = i >= 10 && i < 16;
            final int writes = out ? 0 : 1400 + 10 * i;
            final int reads = out ? 0 : 600;
            lines.add(String.format(Locale.ROOT, "{\"record\":\"interval\",\"time_ms\":%d,\"duration_ms\":100.0," +
                "\"reads\":%d,\"writes\":%d,\"read_bytes\":%d,\"write_bytes\":%d,\"p50_us\":%s,\"p99_us\":%s," +
                "\"max_us\":%s,\"lost\":0,\"io_errors\":0,\"verify_errors\":0,\"connected\":%d}",
                START_MS + 100L * i, reads, writes, reads * 4096L, writes * 4096L, out ? "null" : "180.5",
                out ? "null" : i == 16 ? "9100.0" : "950.0", out ? "null" : "12000.0", out ? 0 : 1));
        }
        lines.add(workloadEvent(1_002, "CONNECTION_LOST", "\"connection\":0,\"target\":\"127.0.0.1:10800\"," +
            "\"detail\":\"Connection reset\""));
        lines.add(workloadEvent(996, "OUTAGE", "\"end_ms\":" + (START_MS + 1_608) + ",\"outage_ms\":612.0," +
            "\"ended\":true"));
        lines.add(workloadEvent(1_607, "RECONNECTED", "\"connection\":0,\"from\":\"127.0.0.1:10800\"," +
            "\"to\":\"127.0.0.1:10800\",\"outage_ms\":605.2,\"attempts\":31,\"detail\":\"Connection reset\""));
        lines.add("{\"record\":\"summary\",\"time_ms\":" + (START_MS + 3_000) + ",\"elapsed_ms\":3000.0," +
            "\"reads\":14400,\"writes\":36000,\"read_bytes\":0,\"write_bytes\":0,\"lost\":16,\"io_errors\":0," +
            "\"verify_errors\":0,\"failovers\":1,\"outcome\":\"OK\"}");
        return lines;
    }

    private static String workloadEvent(final long atMs, final String type, final String fields)
    {
        return "{\"record\":\"event\",\"source\":\"workload\",\"time_ms\":" + (START_MS + atMs) + ",\"type\":\"" +
            type + "\"," + fields + "}";
    }

    private static String action(final long atMs, final String label, final String phase, final String detail)
    {
        return "{\"record\":\"event\",\"source\":\"demo\",\"time_ms\":" + (START_MS + atMs) + ",\"type\":\"ACTION\"," +
            "\"label\":\"" + label + "\"," + (null == phase ? "" : "\"phase\":\"" + phase + "\",") + "\"detail\":\"" +
            detail + "\"}";
    }

    private Path write(final String name, final List<String> lines) throws IOException
    {
        return Files.write(dir.resolve(name), lines, StandardCharsets.UTF_8);
    }

    private static void assertStandsAlone(final String page)
    {
        assertTrue(page.startsWith("<!DOCTYPE html>"), "a whole page");
        for (final String outside : List.of("<script", "<link", "src=", "href=\"http", "url(http", "@import"))
        {
            assertFalse(page.contains(outside), "nothing loaded from elsewhere: " + outside);
        }
    }
}
