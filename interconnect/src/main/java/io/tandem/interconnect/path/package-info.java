/**
 * The paths: their Aeron channels, health (heartbeats, liveness), stream-to-path assignment, the transport the
 * protocol runs over, and the fault injector that pulls and restores them.
 */
package io.tandem.interconnect.path;
