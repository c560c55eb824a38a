/**
 * The agent's end of its session with a manager ({@link dev.berth.api.session}): one WebSocket
 * to the first manager that answers, Hello, heartbeats, batched status reports, assignments
 * passed to the worker; reconnects (to the next manager, with backoff) until closed.
 *
 * <pre>{@code
 * AgentSession session = new AgentSession(vertx,
 *         AgentSessionConfig.of(List.of("10.0.0.1:4243"), stateDir, () -> hello), worker);
 * session.start();
 * worker.reportTo(session);     // the session is the worker's StatusPublisher
 * }</pre>
 */
package dev.berth.agent.session;
