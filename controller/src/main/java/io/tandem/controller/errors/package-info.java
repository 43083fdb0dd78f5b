/**
 * What a controller does with errors: every error its agent meets is counted and kept once per distinct kind
 * ({@link io.tandem.controller.errors.CountedErrorLog}, shown by `tandem ctl status`), and a fault that leaves the
 * controller unable to do its job is recorded once in its {@link io.tandem.controller.errors.ControllerHealth}, which
 * stops its heartbeat and tells the process launcher to exit with the fault's code, so the partner takes over.
 */
package io.tandem.controller.errors;
