package io.tandem.recovery.graph;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * An operation as an antecedence graph: a DAG of {@link Action}s where an edge from A to B says B may run only
 * after A passed. Built with {@link #builder(String)}, which refuses unknown antecedents and cycles.
 * <p>
 * Nodes are numbered in the order they were added; the engine dispatches ready nodes in that order.
 * <p>
 * Immutable once built; thread-safe.
 *
 * @param <S> the state the operation works on.
 */
public final class AntecedenceGraph<S>
{
    /** A node timeout of this value means "use the engine's default". */
    public static final long DEFAULT_TIMEOUT = 0;

    private final String name;
    private final String[] names;
    private final List<Action<S>> actions;
    private final long[] timeoutNs;
    private final int[][] antecedents;
    private final int[][] dependents;
    private final Map<String, Integer> indexByName;
    private final Action.Step<S> release;

    private AntecedenceGraph(final Builder<S> builder, final int[][] antecedents)
    {
        this.name = builder.name;
        this.release = builder.release;
        final int count = builder.nodes.size();
        this.names = new String[count];
        this.actions = new ArrayList<>(count);
        this.timeoutNs = new long[count];
        this.indexByName = new HashMap<>();
        int i = 0;
        for (final Builder.Node<S> node : builder.nodes.values())
        {
            names[i] = node.name;
            actions.add(node.action);
            timeoutNs[i] = node.timeoutNs;
            indexByName.put(node.name, i);
            i++;
        }
        this.antecedents = antecedents;
        final int[] dependentCount = new int[count];
        for (final int[] before : antecedents)
        {
            for (final int a : before)
            {
                dependentCount[a]++;
            }
        }
        this.dependents = new int[count][];
        for (int n = 0; n < count; n++)
        {
            dependents[n] = new int[dependentCount[n]];
            dependentCount[n] = 0;
        }
        for (int n = 0; n < count; n++)
        {
            for (final int a : antecedents[n])
            {
                dependents[a][dependentCount[a]++] = n;
            }
        }
    }

    /**
     * @param name of the operation, for reports and printing.
     */
    public static <S> Builder<S> builder(final String name)
    {
        return new Builder<>(name);
    }

    public String name()
    {
        return name;
    }

    /**
     * @return what releases the operation's resources at the end of every attempt, or null for nothing.
     */
    public Action.Step<S> release()
    {
        return release;
    }

    /**
     * @return how many actions the graph has.
     */
    public int size()
    {
        return names.length;
    }

    public String nameOf(final int node)
    {
        return names[node];
    }

    /**
     * @return the node numbered by the name, or -1 if there is none.
     */
    public int indexOf(final String actionName)
    {
        final Integer index = indexByName.get(actionName);
        return null == index ? -1 : index;
    }

    public Action<S> action(final int node)
    {
        return actions.get(node);
    }

    /**
     * @return the node's own timeout in ns, or {@link #DEFAULT_TIMEOUT} to use the engine's default.
     */
    public long timeoutNs(final int node)
    {
        return timeoutNs[node];
    }

    /**
     * @return how many antecedents the node has.
     */
    public int antecedentCount(final int node)
    {
        return antecedents[node].length;
    }

    public int antecedent(final int node, final int i)
    {
        return antecedents[node][i];
    }

    public int dependentCount(final int node)
    {
        return dependents[node].length;
    }

    public int dependent(final int node, final int i)
    {
        return dependents[node][i];
    }

    /**
     * @return the names of the node's antecedents, in the order they were given.
     */
    public List<String> antecedentNames(final int node)
    {
        final List<String> result = new ArrayList<>(antecedents[node].length);
        for (final int a : antecedents[node])
        {
            result.add(names[a]);
        }
        return result;
    }

    /**
     * @return one line per action with its antecedents, for logs and {@code ctl} output.
     */
    public String toText()
    {
        return GraphPrinter.toText(this, n -> "");
    }

    /**
     * @return the graph in Graphviz DOT, one edge per antecedence.
     */
    public String toDot()
    {
        return GraphPrinter.toDot(this, n -> null);
    }

    /**
     * @return the graph in Graphviz DOT with extra attributes per node, for example a state's colour.
     */
    public String toDot(final Function<String, String> nodeAttributes)
    {
        return GraphPrinter.toDot(this, nodeAttributes);
    }

    public String toString()
    {
        return "AntecedenceGraph{" + name + ", " + names.length + " actions}";
    }

    /**
     * Collects the nodes of a graph, then checks and freezes it in {@link #build()}.
     * <p>
     * Not thread-safe.
     *
     * @param <S> the state the operation works on.
     */
    public static final class Builder<S>
    {
        private final String name;
        private final LinkedHashMap<String, Node<S>> nodes = new LinkedHashMap<>();
        private Action.Step<S> release;

        private Builder(final String name)
        {
            if (null == name || name.isEmpty())
            {
                throw new IllegalArgumentException("a graph needs a name");
            }
            this.name = name;
        }

        /**
         * Adds an action with the engine's default timeout.
         *
         * @param antecedents the names of the actions that must pass first; they may be added later.
         * @throws IllegalArgumentException if the name is taken.
         */
        public Builder<S> add(final String actionName, final Action<S> action, final String... antecedents)
        {
            return add(actionName, action, DEFAULT_TIMEOUT, TimeUnit.NANOSECONDS, antecedents);
        }

        /**
         * Adds an action with its own timeout.
         *
         * @param antecedents the names of the actions that must pass first; they may be added later.
         * @throws IllegalArgumentException if the name is taken or the timeout is negative.
         */
        public Builder<S> add(
            final String actionName,
            final Action<S> action,
            final long timeout,
            final TimeUnit unit,
            final String... antecedents)
        {
            if (null == actionName || actionName.isEmpty())
            {
                throw new IllegalArgumentException("an action needs a name in graph '" + name + "'");
            }
            if (null == action)
            {
                throw new IllegalArgumentException("action '" + actionName + "' is null");
            }
            if (timeout < 0)
            {
                throw new IllegalArgumentException("timeout of '" + actionName + "' is negative: " + timeout);
            }
            if (nodes.containsKey(actionName))
            {
                throw new IllegalArgumentException("graph '" + name + "' already has '" + actionName + "'");
            }
            nodes.put(actionName, new Node<>(actionName, action, unit.toNanos(timeout), antecedents.clone()));
            return this;
        }

        /**
         * Sets what releases the operation's resources (locks, reservations) at the end of every attempt: after
         * the graph passed, or after a failed attempt was backed out and before the error handler is called.
         * If it throws, the attempt fails.
         */
        public Builder<S> onRelease(final Action.Step<S> release)
        {
            this.release = release;
            return this;
        }

        /**
         * @return the graph.
         * @throws IllegalArgumentException naming an antecedent that was never added.
         * @throws CycleException naming the cycle.
         */
        public AntecedenceGraph<S> build()
        {
            final Map<String, Integer> index = new HashMap<>();
            for (final String n : nodes.keySet())
            {
                index.put(n, index.size());
            }
            final int[][] antecedents = new int[nodes.size()][];
            int i = 0;
            for (final Node<S> node : nodes.values())
            {
                final int[] before = new int[node.antecedents.length];
                for (int a = 0; a < before.length; a++)
                {
                    final Integer at = index.get(node.antecedents[a]);
                    if (null == at)
                    {
                        throw new IllegalArgumentException("'" + node.name + "' depends on unknown '" +
                            node.antecedents[a] + "' in graph '" + name + "'");
                    }
                    before[a] = at;
                }
                antecedents[i++] = distinct(before);
            }
            final List<String> cycle = findCycle(antecedents);
            if (null != cycle)
            {
                throw new CycleException(name, cycle);
            }
            return new AntecedenceGraph<>(this, antecedents);
        }

        private static int[] distinct(final int[] values)
        {
            return Arrays.stream(values).distinct().toArray();
        }

        private List<String> findCycle(final int[][] antecedents)
        {
            final String[] names = nodes.keySet().toArray(new String[0]);
            final byte[] colour = new byte[names.length]; // 0 unvisited, 1 on the path, 2 finished
            final int[] path = new int[names.length];
            for (int start = 0; start < names.length; start++)
            {
                if (colour[start] == 0)
                {
                    final List<String> cycle = visit(start, antecedents, colour, path, 0, names);
                    if (null != cycle)
                    {
                        return cycle;
                    }
                }
            }
            return null;
        }

        /**
         * Depth first along antecedent edges; a node met again while on the path closes a cycle, which is
         * reported in the direction things run: "a -> b" means b after a.
         */
        private static List<String> visit(
            final int node, final int[][] antecedents, final byte[] colour, final int[] path, final int depth,
            final String[] names)
        {
            colour[node] = 1;
            path[depth] = node;
            for (final int a : antecedents[node])
            {
                if (colour[a] == 1)
                {
                    int from = depth;
                    while (path[from] != a)
                    {
                        from--;
                    }
                    // a runs before path[depth], which runs before path[depth - 1], ... back to a
                    final List<String> cycle = new ArrayList<>();
                    cycle.add(names[a]);
                    for (int p = depth; p >= from; p--)
                    {
                        cycle.add(names[path[p]]);
                    }
                    return cycle;
                }
                if (colour[a] == 0)
                {
                    final List<String> cycle = visit(a, antecedents, colour, path, depth + 1, names);
                    if (null != cycle)
                    {
                        return cycle;
                    }
                }
            }
            colour[node] = 2;
            return null;
        }

        private static final class Node<S>
        {
            final String name;
            final Action<S> action;
            final long timeoutNs;
            final String[] antecedents;

            Node(final String name, final Action<S> action, final long timeoutNs, final String[] antecedents)
            {
                this.name = name;
                this.action = action;
                this.timeoutNs = timeoutNs;
                this.antecedents = antecedents;
            }
        }
    }
}
