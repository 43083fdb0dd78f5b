package io.tandem.cli.timeline;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Locale;

/**
 * Puts a timeline's events into words: a sentence for a table, a short label and a rank for a chart
 * ({@link Timeline.Event}). Controller events carry the fields of {@code tandem ctl events --json}.
 * <p>
 * Stateless; thread-safe.
 */
final class EventText
{
    private EventText()
    {
    }

    static Timeline.Event of(final JsonNode json, final long timeMs)
    {
        final String source = json.path("source").asText("?");
        final String type = json.path("type").asText();
        if (TimelineFormat.SOURCE_WORKLOAD.equals(source))
        {
            return workload(json, timeMs, type);
        }
        if (TimelineFormat.SOURCE_CONTROLLER.equals(source))
        {
            return controller(json, timeMs, type);
        }
        final String detail = json.path("detail").asText("");
        final String label = json.path("label").asText("");
        final String text = detail.isEmpty() ? label.isEmpty() ? type : label : detail;
        final boolean action = TimelineFormat.ACTION.equals(type) && !label.isEmpty();
        return new Timeline.Event(timeMs, source, type, text, action ? label : null,
            action ? Timeline.Event.STORY : Timeline.Event.DETAIL, json.path("phase").asText(null), timeMs, Double.NaN);
    }

    private static Timeline.Event workload(final JsonNode json, final long timeMs, final String type)
    {
        final String source = TimelineFormat.SOURCE_WORKLOAD;
        final String detail = json.path("detail").asText("");
        final double outageMs = json.path("outage_ms").asDouble(Double.NaN);
        final String connection = "connection " + json.path("connection").asInt();
        switch (type)
        {
            case TimelineFormat.CONNECTION_LOST:
                return new Timeline.Event(timeMs, source, type, connection + " to " + json.path("target").asText() +
                    " lost: " + detail, "connection lost", Timeline.Event.CLIENT, null, timeMs, Double.NaN);

            case TimelineFormat.RECONNECTED:
            case TimelineFormat.FAILED_OVER:
            {
                final boolean reconnect = TimelineFormat.RECONNECTED.equals(type);
                final String text = String.format(Locale.ROOT, "%s %s %s after %s (%d attempts)", connection,
                    reconnect ? "reconnected to" : "failed over to", json.path("to").asText(), ms(outageMs),
                    json.path("attempts").asInt());
                return new Timeline.Event(timeMs, source, type, text,
                    (reconnect ? "reconnected" : "failed over") + " (" + ms(outageMs) + ")", Timeline.Event.CLIENT,
                    null, timeMs, outageMs);
            }

            case TimelineFormat.OUTAGE:
            {
                final boolean ended = json.path("ended").asBoolean(true);
                final long endMs = json.path("end_ms").asLong(timeMs + Math.round(outageMs));
                return new Timeline.Event(timeMs, source, type, "no request completed for " + ms(outageMs) +
                    (ended ? "" : " (and none until the run stopped)"), null, Timeline.Event.DETAIL, null, endMs,
                    outageMs);
            }

            case TimelineFormat.VERIFY_ERROR:
                return new Timeline.Event(timeMs, source, type, "verification error: " + detail, "verification error",
                    Timeline.Event.STORY, null, timeMs, Double.NaN);

            default:
                return new Timeline.Event(timeMs, source, type, type + (detail.isEmpty() ? "" : ": " + detail), null,
                    Timeline.Event.DETAIL, null, timeMs, Double.NaN);
        }
    }

    private static Timeline.Event controller(final JsonNode json, final long timeMs, final String type)
    {
        final int id = json.path("controller").asInt();
        final String source = "controller-" + id;
        final String who = "controller " + id + ": ";
        final String subject = json.path("subject").asText("");
        final String status = json.path("status").asText("");
        final String detail = json.path("detail").asText("");
        final long value = json.path("value").asLong();
        final String why = detail.isEmpty() ? "" : " (" + detail + ")";
        String label = null;
        final String text;
        switch (type)
        {
            case "ROLE_CHANGE":
            {
                final String to = json.path("to").asText();
                text = who + json.path("from").asText() + " \u2192 " + to;
                label = "c" + id + " \u2192 " + to;
                break;
            }
            case "PATH_DOWN":
            case "PATH_UP":
            {
                final String state = "PATH_UP".equals(type) ? " up" : " down";
                text = who + "path " + value + state + why;
                label = "c" + id + ": path " + value + state;
                break;
            }
            case "DISK_CHANGE":
            {
                final String[] words = subject.split(" ");
                final String disk = words.length >= 2 ? words[0] + " " + words[1] : subject;
                text = who + subject + " " + status + why;
                label = "c" + id + ": " + disk + " " + status.toLowerCase(Locale.ROOT);
                break;
            }
            case "EPOCH_CHANGE":
                text = who + "epoch " + value + " \u2192 " + json.path("epoch").asLong() + why;
                break;

            case "CONSISTENCY_POINT":
                text = who + "consistency point at LSN " + value + why;
                break;

            case "NOTE":
                text = who + detail;
                break;

            default:
                text = who + type.toLowerCase(Locale.ROOT).replace('_', ' ') +
                    (subject.isEmpty() ? "" : " " + subject) + (status.isEmpty() ? "" : " " + status) + why;
                break;
        }
        return new Timeline.Event(timeMs, source, type, text, label,
            null == label ? Timeline.Event.DETAIL : Timeline.Event.MILESTONE, null, timeMs, Double.NaN);
    }

    static String ms(final double ms)
    {
        return Double.isNaN(ms) ? "?" : ms >= 10_000 ? String.format(Locale.ROOT, "%.1f s", ms / 1000) :
            String.format(Locale.ROOT, "%.0f ms", ms);
    }
}
