package io.tandem.controller.metrics;

import io.tandem.controller.errors.ControllerHealth;
import io.tandem.controller.errors.CountedErrorLog;
import org.agrona.concurrent.errors.ErrorLogReader;

/**
 * Errors as metrics: {@code tandem_errors_total} by kind (agent errors, NBD error replies, failed consistency
 * points, ...), each agent error by exception class from the distinct error log, and the controller's health.
 * <p>
 * Stateless; thread-safe.
 */
public final class ErrorMetrics
{
    private ErrorMetrics()
    {
    }

    /**
     * One kind of error, counted since the role (or, for agent errors, the process) started.
     */
    public static void error(final MetricsWriter out, final String kind, final long count)
    {
        out.counter("tandem_errors", "Errors by kind: agent (exceptions the agent counted), nbd_* (replies and " +
            "connections), cp_failure, write_no_space, ...; since the role started", count, "kind", kind);
    }

    /**
     * The error log's count and each distinct exception's, and whether a fatal fault stopped the controller.
     */
    public static void write(final CountedErrorLog errors, final ControllerHealth health, final MetricsWriter out)
    {
        error(out, "agent", errors.count());
        final java.util.Map<String, Long> byClass = new java.util.TreeMap<>();
        ErrorLogReader.read(errors.buffer(), (observationCount, firstMs, lastMs, encodedException) ->
            byClass.merge(exceptionClass(encodedException), (long)observationCount, Long::sum));
        byClass.forEach((exception, count) -> out.counter("tandem_agent_errors", "Agent errors by exception " +
            "class, as the distinct error log keeps them", count, "exception", exception));
        if (null != health)
        {
            out.flag("tandem_fatal_fault", "1 once a fatal fault stopped this controller (it exits so its " +
                "partner takes over)", health.isFailed());
        }
    }

    private static String exceptionClass(final String encodedException)
    {
        int end = 0;
        while (end < encodedException.length() && !Character.isWhitespace(encodedException.charAt(end)) &&
            ':' != encodedException.charAt(end))
        {
            end++;
        }
        final String name = encodedException.substring(0, end);
        return name.substring(name.lastIndexOf('.') + 1);
    }
}
