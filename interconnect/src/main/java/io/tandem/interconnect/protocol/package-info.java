/**
 * The wire format: flyweights over {@link org.agrona.DirectBuffer} for every frame that crosses the interconnect,
 * and the one check that decides whether a received frame may be looked at.
 */
package io.tandem.interconnect.protocol;
