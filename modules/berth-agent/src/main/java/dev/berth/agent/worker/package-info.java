/**
 * The task worker: it turns the node's assignments into containers through the
 * {@link dev.berth.agent.executor.Executor} SPI and reports every state a task goes through
 * (ACCEPTED, PREPARING, READY, STARTING, RUNNING, then COMPLETE, FAILED or SHUTDOWN). The
 * decisions (which container to adopt after a restart, which to remove) are pure functions in
 * {@link dev.berth.agent.worker.Adoption}; the rest applies them.
 */
package dev.berth.agent.worker;
