package io.tandem.recovery.consumer;

import io.tandem.recovery.graph.Action;
import io.tandem.recovery.graph.AntecedenceGraph;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Where recovery consumers are registered, each by name with the names of the consumers it depends on, in any
 * order. {@link #build(String)} checks the whole: a dependency on a name never registered is refused, and so is
 * a cycle, with a message that names it ({@code "a -> b -> c -> a"}).
 * <p>
 * A takeover registers, for example:
 * <pre>
 *   registry.register("fence", fence)
 *           .register("load-superblock", load, "fence");
 *   for (int s = 0; s &lt; streams; s++)
 *   {
 *       registry.register("scan-stream-" + s, scan(s), "load-superblock")
 *               .register("replay-stream-" + s, replay(s), "scan-stream-" + s);
 *   }
 *   registry.register("consistency-point", cp, replayNames)
 *           .register("serve", serve, "consistency-point");
 *   ConsumerGraph takeover = registry.build("takeover");
 * </pre>
 * Not thread-safe: register on one thread, then build.
 */
public final class ConsumerRegistry
{
    private final Map<String, Registration> registrations = new LinkedHashMap<>();

    /**
     * Registers a consumer with the engine's default timeout.
     *
     * @param dependsOn the consumers that must be done before it runs.
     * @throws IllegalArgumentException if the name is taken.
     */
    public ConsumerRegistry register(final String name, final RecoveryConsumer consumer, final String... dependsOn)
    {
        return register(name, consumer, AntecedenceGraph.DEFAULT_TIMEOUT, TimeUnit.NANOSECONDS, dependsOn);
    }

    /**
     * Registers a consumer with its own timeout.
     *
     * @param dependsOn the consumers that must be done before it runs.
     * @throws IllegalArgumentException if the name is taken.
     */
    public ConsumerRegistry register(
        final String name,
        final RecoveryConsumer consumer,
        final long timeout,
        final TimeUnit unit,
        final String... dependsOn)
    {
        if (null == name || name.isEmpty())
        {
            throw new IllegalArgumentException("a consumer needs a name");
        }
        if (null == consumer)
        {
            throw new IllegalArgumentException("consumer '" + name + "' is null");
        }
        if (registrations.containsKey(name))
        {
            throw new IllegalArgumentException("consumer '" + name + "' is already registered");
        }
        registrations.put(name, new Registration(consumer, unit.toNanos(timeout), dependsOn.clone()));
        return this;
    }

    /**
     * @param operationName names the graph in reports and DOT, for example {@code takeover}.
     * @return the consumers as a graph, ready to walk any number of times.
     * @throws IllegalArgumentException naming a dependency that was never registered.
     * @throws io.tandem.recovery.graph.CycleException naming the cycle.
     */
    public ConsumerGraph build(final String operationName)
    {
        final AntecedenceGraph.Builder<ConsumerWalk> builder = AntecedenceGraph.builder(operationName);
        for (final Map.Entry<String, Registration> entry : registrations.entrySet())
        {
            final String name = entry.getKey();
            final Registration registration = entry.getValue();
            builder.add(name, new ConsumerAction(name, registration.consumer), registration.timeoutNs,
                TimeUnit.NANOSECONDS, registration.dependsOn);
        }
        return new ConsumerGraph(builder.build());
    }

    private record Registration(RecoveryConsumer consumer, long timeoutNs, String[] dependsOn)
    {
    }

    /**
     * A consumer as an action of the walk's graph: it does nothing for a consumer the walk resumes as done.
     */
    private record ConsumerAction(String name, RecoveryConsumer consumer) implements Action<ConsumerWalk>
    {
        public void doAction(final ConsumerWalk walk) throws Exception
        {
            if (!walk.isResumed(name))
            {
                consumer.recover(walk.contextOf(name));
            }
        }

        public void undoAction(final ConsumerWalk walk) throws Exception
        {
            if (!walk.isResumed(name))
            {
                consumer.undo(walk.contextOf(name));
            }
        }
    }
}
