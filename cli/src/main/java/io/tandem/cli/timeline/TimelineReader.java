package io.tandem.cli.timeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Reads a timeline file ({@link TimelineFormat}) into a {@link Timeline}. The first line must be a header of a
 * version this reader knows; records and fields it does not know are skipped; a line that is not a JSON object, or a
 * record without the fields it must have, is refused with the file and line named.
 * <p>
 * Stateless; thread-safe.
 */
public final class TimelineReader
{
    private static final ObjectMapper JSON = new ObjectMapper();

    private TimelineReader()
    {
    }

    /**
     * @throws TimelineFormatException the file is missing, unreadable or not a timeline, naming the line at fault.
     */
    public static Timeline read(final Path file) throws TimelineFormatException
    {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8))
        {
            return read(file, in);
        }
        catch (final NoSuchFileException ex)
        {
            throw new TimelineFormatException(file + ": no such file");
        }
        catch (final IOException ex)
        {
            throw new TimelineFormatException(file + ": cannot read it: " + ex.getMessage());
        }
    }

    private static Timeline read(final Path file, final BufferedReader in) throws IOException, TimelineFormatException
    {
        JsonNode header = null;
        final List<Timeline.Interval> intervals = new ArrayList<>();
        final List<Timeline.Event> events = new ArrayList<>();
        final List<Timeline.Figure> figures = new ArrayList<>();
        JsonNode summary = null;
        int number = 0;
        String text;
        while (null != (text = in.readLine()))
        {
            number++;
            if (text.isBlank())
            {
                continue;
            }
            final Line line = new Line(file, number, parse(file, number, text));
            if (null == header)
            {
                header = header(line, line.json.path(TimelineFormat.RECORD).asText());
                continue;
            }
            final String record = line.string(TimelineFormat.RECORD);
            switch (record)
            {
                case TimelineFormat.INTERVAL:
                    intervals.add(interval(line));
                    break;

                case TimelineFormat.EVENT:
                    line.string("type");
                    events.add(EventText.of(line.json, line.number("time_ms")));
                    break;

                case TimelineFormat.FIGURE:
                    figures.add(new Timeline.Figure(line.string("name"), line.string("value")));
                    break;

                case TimelineFormat.SUMMARY:
                    summary = line.json;
                    break;

                default:
                    break; // a record of a later version: skipped
            }
        }
        if (null == header)
        {
            throw new TimelineFormatException(file + ": empty: a timeline starts with its header line");
        }
        intervals.sort(Comparator.comparingLong(Timeline.Interval::timeMs));
        events.sort(Comparator.comparingLong(Timeline.Event::timeMs));
        return new Timeline(title(header), header.path("start_ms").asLong(), header.path("interval_ms").asLong(),
            header.path("block_size").asInt(0), setting(header), List.copyOf(intervals), List.copyOf(events),
            List.copyOf(figures), null == summary ? "" : summary(summary));
    }

    private static JsonNode parse(final Path file, final int number, final String text) throws TimelineFormatException
    {
        final JsonNode json;
        try
        {
            json = JSON.readTree(text);
        }
        catch (final JsonProcessingException ex)
        {
            throw new TimelineFormatException(file + ":" + number + ": not JSON: " + ex.getOriginalMessage());
        }
        if (null == json || !json.isObject())
        {
            throw new TimelineFormatException(file + ":" + number + ": not a JSON object: " + shorten(text));
        }
        return json;
    }

    private static JsonNode header(final Line line, final String record) throws TimelineFormatException
    {
        if (!TimelineFormat.HEADER.equals(record) || !TimelineFormat.FORMAT.equals(line.json.path("format").asText()))
        {
            throw line.error("not a tandem timeline: the first line must be its header, {\"record\":\"header\"," +
                "\"format\":\"" + TimelineFormat.FORMAT + "\",...}");
        }
        final long version = line.number("version");
        if (version < 1 || version > TimelineFormat.VERSION)
        {
            throw line.error("version " + version + " of the format; this tandem reads versions 1 to " +
                TimelineFormat.VERSION);
        }
        line.number("start_ms");
        if (line.number("interval_ms") <= 0)
        {
            throw line.error("\"interval_ms\" must be positive");
        }
        return line.json;
    }

    private static Timeline.Interval interval(final Line line) throws TimelineFormatException
    {
        final long reads = line.count("reads");
        final long writes = line.count("writes");
        return new Timeline.Interval(line.number("time_ms"), line.decimal("duration_ms"), reads, writes,
            line.json.path("read_bytes").asLong(), line.json.path("write_bytes").asLong(),
            line.latency("p50_us"), line.latency("p99_us"), line.latency("max_us"));
    }

    private static String title(final JsonNode header)
    {
        if (header.hasNonNull("title"))
        {
            return header.get("title").asText();
        }
        return "tandem " + header.path("source").asText("workload") + " on " + targets(header);
    }

    private static String setting(final JsonNode header)
    {
        if (!header.has("block_size"))
        {
            return "";
        }
        final int connections = header.path("connections").asInt(1);
        return String.format(Locale.ROOT, "%d-byte blocks, queue depth %d%s, %d%% reads, on %s",
            header.path("block_size").asInt(), header.path("queue_depth").asInt(),
            connections > 1 ? " x " + connections + " connections" : "", header.path("read_percent").asInt(),
            targets(header));
    }

    private static String targets(final JsonNode header)
    {
        final List<String> targets = new ArrayList<>();
        header.path("targets").forEach(target -> targets.add(target.asText()));
        return targets.isEmpty() ? "?" : String.join(", ", targets);
    }

    private static String summary(final JsonNode summary)
    {
        return String.format(Locale.ROOT, "%d reads, %d writes in %.1f s; %d lost with a connection, %d I/O errors, " +
            "%d verification errors; %d failovers; %s", summary.path("reads").asLong(),
            summary.path("writes").asLong(), summary.path("elapsed_ms").asDouble() / 1000,
            summary.path("lost").asLong(), summary.path("io_errors").asLong(), summary.path("verify_errors").asLong(),
            summary.path("failovers").asLong(), summary.path("outcome").asText("?"));
    }

    private static String shorten(final String text)
    {
        return text.length() > 60 ? text.substring(0, 60) + "..." : text;
    }

    /**
     * One line's object, with checked access to the fields a record must have.
     */
    private record Line(Path file, int number, JsonNode json)
    {
        TimelineFormatException error(final String message)
        {
            return new TimelineFormatException(file + ":" + number + ": " + message);
        }

        String string(final String field) throws TimelineFormatException
        {
            final JsonNode value = json.get(field);
            if (null == value || !value.isTextual())
            {
                throw error("\"" + field + "\" must be a string: " + shorten(json.toString()));
            }
            return value.asText();
        }

        long number(final String field) throws TimelineFormatException
        {
            final JsonNode value = json.get(field);
            if (null == value || !value.canConvertToLong() || !value.isIntegralNumber())
            {
                throw error("\"" + field + "\" must be a whole number: " + shorten(json.toString()));
            }
            return value.asLong();
        }

        long count(final String field) throws TimelineFormatException
        {
            final long count = number(field);
            if (count < 0)
            {
                throw error("\"" + field + "\" cannot be negative: " + count);
            }
            return count;
        }

        double decimal(final String field) throws TimelineFormatException
        {
            final JsonNode value = json.get(field);
            if (null == value || !value.isNumber())
            {
                throw error("\"" + field + "\" must be a number: " + shorten(json.toString()));
            }
            return value.asDouble();
        }

        double latency(final String field) throws TimelineFormatException
        {
            final JsonNode value = json.get(field);
            if (null == value || value.isNull())
            {
                return Double.NaN;
            }
            if (!value.isNumber())
            {
                throw error("\"" + field + "\" must be a number or null: " + shorten(json.toString()));
            }
            return value.asDouble();
        }
    }
}
