package io.tandem.recovery.journal;

import io.tandem.recovery.consumer.ConsumerGraph;
import io.tandem.recovery.consumer.ConsumerRegistry;
import io.tandem.recovery.consumer.RecoveryConsumer;

import java.util.function.Function;

/**
 * The takeover's consumer graph as a controller registers it, with stand-in consumers, for the resume tests:
 * fence -> load-superblock -> scan-stream-N (parallel) -> replay-stream-N (each after its scan) ->
 * consistency-point -> serve.
 */
final class TakeoverGraphs
{
    static final int STREAMS = 2;

    private TakeoverGraphs()
    {
    }

    static ConsumerGraph takeover(final Function<String, RecoveryConsumer> consumers)
    {
        final ConsumerRegistry registry = new ConsumerRegistry()
            .register("fence", consumers.apply("fence"))
            .register("load-superblock", consumers.apply("load-superblock"), "fence");
        final String[] replays = new String[STREAMS];
        for (int s = 0; s < STREAMS; s++)
        {
            replays[s] = "replay-stream-" + s;
            registry.register("scan-stream-" + s, consumers.apply("scan-stream-" + s), "load-superblock")
                .register(replays[s], consumers.apply(replays[s]), "scan-stream-" + s);
        }
        return registry
            .register("consistency-point", consumers.apply("consistency-point"), replays)
            .register("serve", consumers.apply("serve"), "consistency-point")
            .build("takeover");
    }
}
