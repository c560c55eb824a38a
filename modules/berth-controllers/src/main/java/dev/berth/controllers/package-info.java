/**
 * Berth's controllers, run by the elected leader: the {@link dev.berth.controllers.ControllerManager}
 * wires informers to the service controller, the scheduler and the task reaper. Each sub-package is
 * one loop; the loops never call each other, they only read and write the store.
 */
package dev.berth.controllers;
