/**
 * The mirror transport between the two controllers: the primary's {@link io.tandem.interconnect.MirrorSender}
 * sends each NVLog stream's records over the interconnect paths to the secondary's
 * {@link io.tandem.interconnect.MirrorReceiver}, which hands them to a {@link io.tandem.interconnect.RecordSink}
 * in exact per-stream order and acknowledges what the sink made durable. {@link
 * io.tandem.interconnect.InterconnectEndpoint} launches either end with its media driver, configured by an
 * {@link io.tandem.interconnect.InterconnectContext}.
 */
package io.tandem.interconnect;
