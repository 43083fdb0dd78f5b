package io.tandem.recovery.graph;

import java.util.function.Function;

/**
 * Prints an {@link AntecedenceGraph} as text and as Graphviz DOT.
 * <p>
 * Stateless; thread-safe.
 */
public final class GraphPrinter
{
    private GraphPrinter()
    {
    }

    /**
     * One line per action, in the order they were added:
     * <pre>
     *   graph takeover (3 actions)
     *     fence
     *     load-superblock &lt;- fence
     *     serve &lt;- load-superblock
     * </pre>
     *
     * @param suffix text appended to each action's line, for example its state; empty for none.
     */
    public static String toText(final AntecedenceGraph<?> graph, final Function<String, String> suffix)
    {
        final StringBuilder out = new StringBuilder();
        out.append("graph ").append(graph.name()).append(" (").append(graph.size()).append(" actions)\n");
        for (int n = 0; n < graph.size(); n++)
        {
            out.append("  ").append(graph.nameOf(n));
            if (graph.antecedentCount(n) > 0)
            {
                out.append(" <- ").append(String.join(", ", graph.antecedentNames(n)));
            }
            final String extra = suffix.apply(graph.nameOf(n));
            if (null != extra && !extra.isEmpty())
            {
                out.append("  ").append(extra);
            }
            out.append('\n');
        }
        return out.toString();
    }

    /**
     * The graph in DOT: every action a node, every antecedence an edge {@code "a" -> "b"} (b runs after a).
     *
     * @param nodeAttributes DOT attributes for an action's node, for example {@code fillcolor=green}, or null.
     */
    public static String toDot(final AntecedenceGraph<?> graph, final Function<String, String> nodeAttributes)
    {
        final StringBuilder out = new StringBuilder();
        out.append("digraph ").append(quote(graph.name())).append(" {\n");
        out.append("  rankdir=LR;\n  node [shape=box];\n");
        for (int n = 0; n < graph.size(); n++)
        {
            out.append("  ").append(quote(graph.nameOf(n)));
            final String attributes = nodeAttributes.apply(graph.nameOf(n));
            if (null != attributes && !attributes.isEmpty())
            {
                out.append(" [").append(attributes).append(']');
            }
            out.append(";\n");
        }
        for (int n = 0; n < graph.size(); n++)
        {
            for (int i = 0; i < graph.antecedentCount(n); i++)
            {
                out.append("  ").append(quote(graph.nameOf(graph.antecedent(n, i))))
                    .append(" -> ").append(quote(graph.nameOf(n))).append(";\n");
            }
        }
        return out.append("}\n").toString();
    }

    private static String quote(final String id)
    {
        return '"' + id.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
