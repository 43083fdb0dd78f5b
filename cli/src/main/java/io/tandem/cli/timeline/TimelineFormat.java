package io.tandem.cli.timeline;

/**
 * The timeline file: JSON lines, one object per line, each with a {@code record} field saying what it is. Version
 * {@value #VERSION}; the fields of each record are in the cli README.
 * <pre>
 * {"record":"header","format":"tandem-timeline","version":1,"interval_ms":100,"clock":"epoch_ms",...}  (first)
 * {"record":"interval","time_ms":...,"duration_ms":100,"reads":..,"writes":..,"p99_us":..,...}   (each interval)
 * {"record":"event","source":"workload","time_ms":...,"type":"CONNECTION_LOST",...}             (each event)
 * {"record":"event","source":"controller",... the fields of tandem ctl events --json}
 * {"record":"event","source":"demo","time_ms":...,"type":"ACTION","label":"kill -9 primary",...}
 * {"record":"figure","name":"kill -9 to serving","value":"612 ms"}                              (a figure)
 * {"record":"summary","time_ms":...,"reads":..,"writes":..,...}                                 (the run's totals)
 * </pre>
 * Times are wall-clock milliseconds since the epoch ({@code System.currentTimeMillis()}), the clock the controllers'
 * event journals record, so a workload's lines and both journals share one axis on one host. Intervals follow each
 * other without gaps from the header's {@code start_ms}; events are written as they become known (an outage when
 * it ends), so a reader sorts by {@code time_ms}. A reader ignores fields and records it does not know: a new field
 * keeps the version, a changed meaning bumps it.
 */
public final class TimelineFormat
{
    public static final String FORMAT = "tandem-timeline";
    public static final int VERSION = 1;

    public static final String RECORD = "record";
    public static final String HEADER = "header";
    public static final String INTERVAL = "interval";
    public static final String EVENT = "event";
    public static final String FIGURE = "figure";
    public static final String SUMMARY = "summary";

    public static final String SOURCE_WORKLOAD = "workload";
    public static final String SOURCE_CONTROLLER = "controller";
    public static final String SOURCE_DEMO = "demo";

    /** A workload's connection broke or was refused (ESHUTDOWN). */
    public static final String CONNECTION_LOST = "CONNECTION_LOST";
    /** A broken connection served again on the target it left (a pair's service address). */
    public static final String RECONNECTED = "RECONNECTED";
    /** A broken connection served again on another target. */
    public static final String FAILED_OVER = "FAILED_OVER";
    /** A time in which none of the workload's requests completed: {@code time_ms} to {@code end_ms}. */
    public static final String OUTAGE = "OUTAGE";
    /** A read returned data the ledger says it cannot hold. */
    public static final String VERIFY_ERROR = "VERIFY_ERROR";
    /** Something the demo did or saw happen, with a short {@code label} for a chart. */
    public static final String ACTION = "ACTION";

    private TimelineFormat()
    {
    }
}
