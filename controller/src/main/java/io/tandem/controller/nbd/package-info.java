/**
 * The primary controller's client front-end: an NBD server (fixed newstyle handshake, simple replies) that serves
 * one {@link io.tandem.controller.nbd.BlockVolume} to real clients ({@code nbdinfo}, {@code nbdcopy}, {@code qemu-io},
 * {@code qemu-img}, {@code fio --ioengine=nbd}).
 * <p>
 * Start it with {@link io.tandem.controller.nbd.NbdServer#launch(io.tandem.controller.nbd.NbdServerContext)}. The
 * server calls the volume's {@code submit} methods from its agent thread; the volume completes each request
 * once, from any thread, through {@link io.tandem.controller.nbd.IoCompletion}; the reply goes out when the
 * completion arrives, so replies leave in completion order. A reply to a WRITE therefore means exactly what the
 * volume's completion means: for the primary's write path, logged locally and mirrored.
 * <p>
 * Layout: wire formats as flyweights ({@code NbdRequestDecoder}, {@code NbdSimpleReplyEncoder},
 * {@code NbdOptionDecoder}, {@code NbdOptionReplyEncoder}, {@code NbdHandshakeEncoder}); the agent
 * ({@code NbdServerAgent}) with one {@code NbdConnection} per client, the option answers ({@code NbdOptionHandler})
 * and request checks ({@code NbdCommandDispatcher}); pooled request slots ({@code RequestSlots}) and the lock-free
 * completion path ({@code CompletionQueue}); two volumes to build on ({@code InMemoryBlockVolume},
 * {@code FileBlockVolume}).
 */
package io.tandem.controller.nbd;
