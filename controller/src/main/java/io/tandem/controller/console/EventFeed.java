package io.tandem.controller.console;

/**
 * The pair's event timeline for the console: both controllers' journal events, as {@code ctl events --json}
 * renders them.
 */
@FunctionalInterface
public interface EventFeed
{
    /**
     * @param afterMs only events later than this (epoch milliseconds); 0 for the latest {@code limit}.
     * @return at most {@code limit} events, oldest first, each one JSON object as {@code ctl events --json} prints
     * it; never null.
     */
    java.util.List<String> events(long afterMs, int limit);
}
