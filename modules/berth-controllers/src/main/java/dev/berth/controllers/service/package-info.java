/**
 * The service controller (swarmkit's replicated and global orchestrators and its restart
 * supervisor): a pure {@link dev.berth.controllers.service.ServiceReconciler} decides which tasks to
 * create and shut down for one service, applying the restart policy through the pure
 * {@link dev.berth.controllers.service.RestartDecider}, and
 * {@link dev.berth.controllers.service.ServiceController} applies those actions to the store.
 */
package dev.berth.controllers.service;
