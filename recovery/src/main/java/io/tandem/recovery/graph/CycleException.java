package io.tandem.recovery.graph;

import java.util.List;

/**
 * Thrown when a graph's dependencies form a cycle. The message names the cycle, for example
 * {@code "cycle: a -> b -> c -> a"}.
 * <p>
 * Immutable; thread-safe.
 */
public final class CycleException extends IllegalArgumentException
{
    private static final long serialVersionUID = 1L;

    private final transient List<String> cycle;

    public CycleException(final String graphName, final List<String> cycle)
    {
        super("graph '" + graphName + "' has a cycle: " + String.join(" -> ", cycle));
        this.cycle = List.copyOf(cycle);
    }

    /**
     * @return the names on the cycle, the first repeated at the end.
     */
    public List<String> cycle()
    {
        return cycle;
    }
}
