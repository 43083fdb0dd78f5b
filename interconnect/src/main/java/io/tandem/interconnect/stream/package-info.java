/**
 * Per-stream buffers: the sender's window of unacknowledged records and the receiver's hold-back of early ones.
 */
package io.tandem.interconnect.stream;
