package io.tandem.recovery.consumer;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every consumer's status at one moment of a walk, in registration order; taken with
 * {@link ConsumerWalk#snapshot()} from any thread while the walk runs, or after.
 * <p>
 * Immutable; thread-safe.
 */
public final class WalkSnapshot
{
    private final ConsumerGraph graph;
    private final String operationId;
    private final List<ConsumerStatus> statuses;
    private final Map<String, ConsumerStatus> byName = new LinkedHashMap<>();

    WalkSnapshot(final ConsumerGraph graph, final String operationId, final List<ConsumerStatus> statuses)
    {
        this.graph = graph;
        this.operationId = operationId;
        this.statuses = List.copyOf(statuses);
        for (final ConsumerStatus status : statuses)
        {
            byName.put(status.name(), status);
        }
    }

    public String operationId()
    {
        return operationId;
    }

    public List<ConsumerStatus> statuses()
    {
        return statuses;
    }

    /**
     * @return the consumer's status, or null if the graph has none by that name.
     */
    public ConsumerStatus status(final String consumer)
    {
        return byName.get(consumer);
    }

    public ConsumerState state(final String consumer)
    {
        final ConsumerStatus status = byName.get(consumer);
        return null == status ? null : status.state();
    }

    /**
     * @return how many consumers are in each state.
     */
    public Map<ConsumerState, Integer> counts()
    {
        final Map<ConsumerState, Integer> counts = new EnumMap<>(ConsumerState.class);
        for (final ConsumerState state : ConsumerState.values())
        {
            counts.put(state, 0);
        }
        for (final ConsumerStatus status : statuses)
        {
            counts.merge(status.state(), 1, Integer::sum);
        }
        return counts;
    }

    /**
     * @return the consumers that failed, each with its cause, in registration order.
     */
    public Map<String, Throwable> failed()
    {
        final Map<String, Throwable> failed = new LinkedHashMap<>();
        for (final ConsumerStatus status : statuses)
        {
            if (status.state() == ConsumerState.FAILED)
            {
                failed.put(status.name(), status.cause());
            }
        }
        return failed;
    }

    /**
     * @return the names of the consumers in the state, in registration order.
     */
    public List<String> inState(final ConsumerState state)
    {
        final List<String> names = new ArrayList<>();
        for (final ConsumerStatus status : statuses)
        {
            if (status.state() == state)
            {
                names.add(status.name());
            }
        }
        return names;
    }

    /**
     * @return one line per consumer: name, state, what it depends on, duration, and cause if it failed.
     */
    public String toText()
    {
        final StringBuilder out = new StringBuilder();
        out.append("walk ").append(graph.name()).append(' ').append(operationId).append(' ').append(counts())
            .append('\n');
        for (final ConsumerStatus status : statuses)
        {
            out.append("  ").append(String.format("%-24s %-11s", status.name(), status.state()));
            if (status.resumed())
            {
                out.append(" (resumed)");
            }
            if (status.durationMs() > 0 || (status.state() == ConsumerState.DONE && !status.resumed()))
            {
                out.append(' ').append(status.durationMs()).append(" ms");
            }
            final List<String> dependsOn = graph.dependsOn(status.name());
            if (!dependsOn.isEmpty())
            {
                out.append("  after ").append(String.join(", ", dependsOn));
            }
            if (null != status.cause())
            {
                out.append("  cause: ").append(status.cause());
            }
            out.append('\n');
        }
        return out.toString();
    }

    /**
     * @return the graph in Graphviz DOT with each consumer filled by its state.
     */
    public String toDot()
    {
        return graph.graph().toDot(name ->
        {
            final ConsumerStatus status = byName.get(name);
            return "style=filled, fillcolor=" + colour(status.state()) +
                ", tooltip=\"" + status.state() + (status.resumed() ? " (resumed)" : "") + "\"";
        });
    }

    private static String colour(final ConsumerState state)
    {
        return switch (state)
        {
            case PENDING -> "white";
            case RUNNING -> "lightblue";
            case DONE -> "palegreen";
            case FAILED, UNDO_FAILED -> "salmon";
            case SKIPPED -> "lightgrey";
            case UNDONE -> "khaki";
        };
    }

    public String toString()
    {
        return toText();
    }
}
