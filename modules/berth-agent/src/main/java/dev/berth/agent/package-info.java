/**
 * The node agent: one per server. It holds a session to a manager
 * ({@link dev.berth.agent.session}), runs its node's tasks through an executor
 * ({@link dev.berth.agent.executor}, Docker by default) and reports what it sees. It never
 * touches etcd.
 */
package dev.berth.agent;
