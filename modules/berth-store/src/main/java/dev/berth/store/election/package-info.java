/**
 * Leader election among managers: only the elected manager runs the controllers.
 * {@link dev.berth.store.election.EtcdLeaderElection} campaigns through etcd's election API
 * with a lease, so a leader that dies loses leadership when its lease expires.
 */
package dev.berth.store.election;
