package io.tandem.controller.metrics;

import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects a controller's figures for one scrape as Prometheus metric families, the way {@code StatusWriter}
 * renders them for {@code ctl status}: a role's snapshot writes its typed values here, field by field, and the
 * client library's exposition turns the result into the text, OpenMetrics or protobuf format a scraper asked for.
 * <p>
 * Names follow Prometheus conventions and are given here without the suffix the format adds: a counter
 * {@code tandem_nbd_requests} is exposed as {@code tandem_nbd_requests_total}, an info {@code tandem_controller} as
 * {@code tandem_controller_info}. A name ending in {@code _seconds}, {@code _bytes} or {@code _ratio} carries that
 * unit. Labels are given as name, value pairs; every data point of a family has the same label names.
 * <p>
 * Not thread-safe: one writer per scrape, on the scraping thread (never an agent).
 */
public final class MetricsWriter
{
    private enum Kind
    {
        GAUGE, COUNTER, INFO, HISTOGRAM
    }

    private static final class Family
    {
        final Kind kind;
        final String help;
        final List<DataPointSnapshot> points = new ArrayList<>();

        Family(final Kind kind, final String help)
        {
            this.kind = kind;
            this.help = help;
        }
    }

    private final Map<String, Family> families = new LinkedHashMap<>();

    public MetricsWriter gauge(final String name, final String help, final double value, final String... labels)
    {
        family(name, Kind.GAUGE, help).points.add(
            GaugeSnapshot.GaugeDataPointSnapshot.builder().value(value).labels(Labels.of(labels)).build());
        return this;
    }

    /**
     * A gauge that is 1 while {@code condition} holds, else 0.
     */
    public MetricsWriter flag(final String name, final String help, final boolean condition, final String... labels)
    {
        return gauge(name, help, condition ? 1 : 0, labels);
    }

    /**
     * A counter: a value that only goes up while the process (or the role, where the help says so) runs.
     *
     * @param name without {@code _total}.
     */
    public MetricsWriter counter(final String name, final String help, final double value, final String... labels)
    {
        family(name, Kind.COUNTER, help).points.add(
            CounterSnapshot.CounterDataPointSnapshot.builder().value(value).labels(Labels.of(labels)).build());
        return this;
    }

    /**
     * One gauge per value of {@code values} under label {@code label}, 1 for {@code current} and 0 for the rest
     * (the enum-style state set of the Prometheus conventions).
     */
    public MetricsWriter states(
        final String name, final String help, final String label, final Enum<?>[] values, final Enum<?> current)
    {
        for (final Enum<?> value : values)
        {
            flag(name, help, value == current, label, value.name().toLowerCase());
        }
        return this;
    }

    /**
     * An identity or version: the labels carry the information, the value is 1.
     *
     * @param name without {@code _info}.
     */
    public MetricsWriter info(final String name, final String help, final String... labels)
    {
        family(name, Kind.INFO, help).points.add(
            InfoSnapshot.InfoDataPointSnapshot.builder().labels(Labels.of(labels)).build());
        return this;
    }

    /**
     * A histogram with fixed buckets.
     *
     * @param upperBounds every bucket's upper bound, ascending, the last {@link Double#POSITIVE_INFINITY}.
     * @param counts      each bucket's own count (not cumulative).
     * @param sum         the sum of the observed values.
     */
    public MetricsWriter histogram(
        final String name,
        final String help,
        final double[] upperBounds,
        final long[] counts,
        final double sum,
        final String... labels)
    {
        family(name, Kind.HISTOGRAM, help).points.add(HistogramSnapshot.HistogramDataPointSnapshot.builder()
            .classicHistogramBuckets(ClassicHistogramBuckets.of(upperBounds, counts)).sum(sum)
            .labels(Labels.of(labels)).build());
        return this;
    }

    /**
     * @return the families written so far, in the order their first data point came.
     */
    public MetricSnapshots snapshots()
    {
        final List<MetricSnapshot> snapshots = new ArrayList<>(families.size());
        for (final Map.Entry<String, Family> entry : families.entrySet())
        {
            snapshots.add(snapshot(entry.getKey(), entry.getValue()));
        }
        return new MetricSnapshots(snapshots);
    }

    @SuppressWarnings("unchecked")
    private static MetricSnapshot snapshot(final String name, final Family family)
    {
        final MetricMetadata metadata = new MetricMetadata(name, family.help, unit(name));
        switch (family.kind)
        {
            case GAUGE:
                return new GaugeSnapshot(metadata, (List<GaugeSnapshot.GaugeDataPointSnapshot>)(List<?>)family.points);
            case COUNTER:
                return new CounterSnapshot(metadata,
                    (List<CounterSnapshot.CounterDataPointSnapshot>)(List<?>)family.points);
            case INFO:
                return new InfoSnapshot(metadata, (List<InfoSnapshot.InfoDataPointSnapshot>)(List<?>)family.points);
            default:
                return new HistogramSnapshot(metadata,
                    (List<HistogramSnapshot.HistogramDataPointSnapshot>)(List<?>)family.points);
        }
    }

    private static Unit unit(final String name)
    {
        if (name.endsWith("_seconds"))
        {
            return Unit.SECONDS;
        }
        if (name.endsWith("_bytes"))
        {
            return Unit.BYTES;
        }
        return name.endsWith("_ratio") ? Unit.RATIO : null;
    }

    private Family family(final String name, final Kind kind, final String help)
    {
        final Family family = families.computeIfAbsent(name, key -> new Family(kind, help));
        if (family.kind != kind)
        {
            throw new IllegalArgumentException(name + " is a " + family.kind + ", not a " + kind);
        }
        return family;
    }
}
