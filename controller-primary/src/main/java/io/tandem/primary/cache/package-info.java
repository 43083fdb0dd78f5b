/**
 * The primary's write cache and the consistency point that destages it to the pool (DESIGN.md, the write path,
 * steps 3 and 5).
 * <p>
 * {@link io.tandem.primary.cache.PageCache} holds volume pages off-heap over the pool's volume: writes at any byte
 * range make pages dirty with their LSN, reads return the newest data, clean pages are evicted by a clock, and a
 * write that would need a dirty page evicted returns {@code CACHE_FULL} and applies nothing.
 * {@link io.tandem.primary.cache.ConsistencyPoint} is a state machine stepped from the controller's duty cycle: it
 * takes the CP LSN and the dirty pages at once, destages them in LSN order a few per step, forces the pool and
 * records the CP LSN in the superblock (both on an I/O executor, polled), then makes the destaged pages clean, and
 * tells its {@link io.tandem.primary.cache.ConsistencyPointListener} so the NVLog half can be released. A fenced
 * controller's CP records nothing.
 * <p>
 * Both are owned by the controller's one agent thread; neither is thread-safe.
 */
package io.tandem.primary.cache;
