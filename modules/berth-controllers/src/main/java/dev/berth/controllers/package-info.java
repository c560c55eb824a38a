/**
 * Berth's controllers, run by the elected leader: the {@link dev.berth.controllers.ControllerManager}
 * wires informers to the service controller, the scheduler, the task reaper and the network
 * controller. Each sub-package is one loop; the loops never call each other, they only read and
 * write the store.
 */
package dev.berth.controllers;
