package io.tandem.nvlog;

/**
 * Visits records of the log. The flyweight is valid only during the call.
 */
@FunctionalInterface
public interface RecordHandler
{
    void onRecord(LogRecord record);
}
