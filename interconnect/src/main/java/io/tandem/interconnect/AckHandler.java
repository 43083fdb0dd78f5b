package io.tandem.interconnect;

/**
 * Told when the secondary acknowledged records of a stream as durable. Called on the sender's duty-cycle thread,
 * once per ack that advances a stream, with the new cumulative position: every record of {@code stream} up to and
 * including {@code ackedSequence} is durable on the secondary. Must not block.
 */
@FunctionalInterface
public interface AckHandler
{
    void onAcked(int stream, long ackedSequence);
}
