/**
 * Counters another process can read while an endpoint runs: what they are, and a reader over an endpoint's
 * Aeron directory.
 */
package io.tandem.interconnect.status;
