/**
 * A stub upstream DNS server for tests of the cluster DNS: {@link dev.berth.testkit.dns.UpstreamDnsStub}
 * answers fixed A records over UDP and TCP on a loopback port, so that forwarding is tested
 * without the host's real resolvers.
 */
package dev.berth.testkit.dns;
