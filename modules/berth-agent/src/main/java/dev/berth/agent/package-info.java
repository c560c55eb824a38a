/**
 * The node agent: one per server. It holds a session to a manager
 * ({@link dev.berth.agent.session}), runs its node's tasks through an executor
 * ({@link dev.berth.agent.executor}, Docker by default) with the task worker
 * ({@link dev.berth.agent.worker}), publishes their ports ({@link dev.berth.agent.network}) and
 * reports what it sees. It never touches etcd.
 *
 * <p>This package holds the wiring ({@link dev.berth.agent.Agent}, {@link dev.berth.agent.AgentConfig})
 * and the seams between the parts: {@link dev.berth.agent.AssignmentHandler} (session to worker),
 * {@link dev.berth.agent.StatusPublisher} (worker to session), {@link dev.berth.agent.LocalTasksListener}
 * (worker to networking) and {@link dev.berth.agent.TaskAdmission} (a node-local check before a
 * task is prepared).
 */
package dev.berth.agent;
