/**
 * The controller runtime: a {@link dev.berth.controllers.runtime.WorkQueue} that never hands one
 * key to two workers and coalesces bursts, and a {@link dev.berth.controllers.runtime.Controller}
 * that runs a {@link dev.berth.controllers.runtime.Reconciler} on worker threads.
 */
package dev.berth.controllers.runtime;
