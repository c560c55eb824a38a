/**
 * The session protocol between a node's agent and a manager's dispatcher: JSON messages, one per
 * WebSocket text frame, told apart by their {@code type} field. Agents never touch etcd; this is
 * all they say and hear.
 *
 * <pre>
 * agent                                   manager (dispatcher)
 *   Hello(node description) ─────────────▶  registers or refreshes the Node, grants a lease
 *                           ◀─────────────  Welcome(nodeId, heartbeatPeriod)
 *                           ◀─────────────  Assignments(full=true, tasks)
 *   Heartbeat ──── every period ─────────▶  keeps the node's lease alive
 *   StatusReport(updates) ───────────────▶  task statuses written to etcd (CAS, forward only)
 *                           ◀─────────────  Assignments(full=false, tasks changed, removed ids)
 *                           ◀─────────────  Error(code, message), then close
 * </pre>
 */
package dev.berth.api.session;
