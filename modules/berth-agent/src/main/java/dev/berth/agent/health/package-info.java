/**
 * Task health on the agent: {@link dev.berth.agent.health.HealthTracker}, the pure rules that turn
 * check results into {@code starting}, {@code healthy} and {@code unhealthy}, and
 * {@link dev.berth.agent.health.ScheduledHealthProbes}, which runs the HTTP and TCP probes the
 * agent makes itself against a container's cluster-network address. Docker's own HEALTHCHECK
 * ({@code cmd} checks) is run by the engine and reported through its event stream instead.
 */
package dev.berth.agent.health;
