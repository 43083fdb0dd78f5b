package io.tandem.recovery.consumer;

import io.tandem.recovery.graph.AntecedenceGraph;

import java.util.ArrayList;
import java.util.List;

/**
 * Registered consumers as a checked DAG (no cycle, no unknown dependency), made by
 * {@link ConsumerRegistry#build(String)}. Walk it with {@link #walk(String)}; print it with {@link #toText()} and
 * {@link #toDot()}.
 * <p>
 * Immutable; thread-safe. Any number of walks may use it, one after another or at once.
 */
public final class ConsumerGraph
{
    private final AntecedenceGraph<ConsumerWalk> graph;

    ConsumerGraph(final AntecedenceGraph<ConsumerWalk> graph)
    {
        this.graph = graph;
    }

    public String name()
    {
        return graph.name();
    }

    /**
     * @return the consumers' names, in the order they were registered.
     */
    public List<String> consumers()
    {
        final List<String> names = new ArrayList<>(graph.size());
        for (int n = 0; n < graph.size(); n++)
        {
            names.add(graph.nameOf(n));
        }
        return names;
    }

    /**
     * @return the names the consumer depends on.
     * @throws IllegalArgumentException if there is no such consumer.
     */
    public List<String> dependsOn(final String consumer)
    {
        final int node = graph.indexOf(consumer);
        if (node < 0)
        {
            throw new IllegalArgumentException("no consumer '" + consumer + "' in '" + graph.name() + "'");
        }
        return graph.antecedentNames(node);
    }

    /**
     * @return a walk of this graph for one operation, to configure and run.
     * @param operationId identifies the operation in the journal, for example {@code takeover-epoch-7}.
     */
    public ConsumerWalk walk(final String operationId)
    {
        return new ConsumerWalk(this, operationId);
    }

    /**
     * @return one line per consumer with what it depends on.
     */
    public String toText()
    {
        return graph.toText();
    }

    /**
     * @return the graph in Graphviz DOT: {@code "a" -> "b"} when b depends on a.
     */
    public String toDot()
    {
        return graph.toDot();
    }

    AntecedenceGraph<ConsumerWalk> graph()
    {
        return graph;
    }
}
