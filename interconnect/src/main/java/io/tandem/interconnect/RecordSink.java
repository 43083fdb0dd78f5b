package io.tandem.interconnect;

import org.agrona.DirectBuffer;

/**
 * Where the receiver hands each stream's records, strictly in sequence order (1, 2, 3, ... per stream), each
 * exactly once. Called on the receiver's duty-cycle thread; must not block.
 * <p>
 * Durability is reported separately with {@link MirrorReceiver#markDurable(int, long)}, from any thread and at
 * any later time: a sink that persists asynchronously (the secondary's NVLog) calls it from its completion
 * handler; a sink that is done when it returns calls it before returning. Only what was marked durable is
 * acknowledged to the primary.
 */
@FunctionalInterface
public interface RecordSink
{
    /**
     * Takes the next record of a stream. The bytes are valid only during the call: copy them.
     *
     * @return true when taken; false to push back (e.g. the log is full): the receiver keeps the record and
     * offers it again on a later duty cycle, and nothing later in that stream is offered before it.
     */
    boolean onRecord(int stream, long sequence, DirectBuffer buffer, int offset, int length);
}
