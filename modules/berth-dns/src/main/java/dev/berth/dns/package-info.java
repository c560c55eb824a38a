/**
 * The cluster DNS every agent serves on its bridge gateway: a service's name resolves to its
 * virtual IP (or its tasks' addresses in dnsrr mode), {@code tasks.<service>} to its tasks'
 * addresses, and every other name is forwarded to the host's resolvers.
 *
 * <p>{@link dev.berth.dns.DnsRecords} is the pure decision (an immutable snapshot built from the
 * {@link dev.berth.api.Endpoints} objects), {@link dev.berth.dns.DnsMessages} builds and checks
 * the messages (dnsjava's wire format), and {@link dev.berth.dns.ClusterDns} is the I/O: UDP and
 * TCP listeners on Vert.x and the forwarding to the upstreams.
 */
package dev.berth.dns;
