package io.tandem.recovery.journal;

import net.openhft.chronicle.core.io.SingleThreadedChecked;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;

/**
 * Opens the Chronicle Queue under a journal, the same way for the writer and for readers.
 * <p>
 * Stateless; thread-safe.
 */
final class JournalQueues
{
    private JournalQueues()
    {
    }

    /**
     * Opens (or creates) the queue; takes 0.5 to 1.5 s the first time in a JVM.
     */
    static ChronicleQueue open(final EventJournalContext ctx)
    {
        return SingleChronicleQueueBuilder.binary(ctx.directory())
            .rollCycle(RollCycles.valueOf(ctx.rollCycle()))
            .blockSize(ctx.blockSize())
            .build();
    }

    /**
     * Lets an appender or tailer be used by whichever thread holds the owner's lock, not only the thread that
     * made it: the journal serialises use itself.
     */
    static <T> T anyThread(final T component)
    {
        if (component instanceof SingleThreadedChecked checked)
        {
            checked.singleThreadedCheckDisabled(true);
        }
        return component;
    }
}
