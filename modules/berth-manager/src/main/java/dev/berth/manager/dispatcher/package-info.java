/**
 * The dispatcher: the manager's end of the agent sessions ({@link dev.berth.api.session}). One
 * WebSocket per node at {@code /api/v1/session} on the API's port.
 *
 * <ul>
 *   <li>{@link dev.berth.manager.dispatcher.Dispatcher} accepts sessions: a Hello registers or
 *       refreshes the Node, the session gets an etcd lease bound to
 *       {@code <prefix>/berth/v1/sessions/<nodeId>} (kept alive while heartbeats arrive), the
 *       agent receives its full assignment set and then deltas, computed from one shared task
 *       informer indexed by node ({@link dev.berth.manager.dispatcher.AssignmentDiff}, pure).</li>
 *   <li>Each session also gets its node's network map (subnet, routes to the other nodes'
 *       subnets, every service's Endpoints) after the full set and again whenever it changes,
 *       built by {@link dev.berth.manager.dispatcher.NetworkMaps} (pure) from node, Endpoints and
 *       Cluster informers.</li>
 *   <li>{@link dev.berth.manager.dispatcher.StatusIngest} writes the agents' status reports to
 *       etcd in batches, one CAS transaction per batch, after
 *       {@link dev.berth.manager.dispatcher.StatusRules} (pure) dropped what would move a task
 *       backwards or does not belong to the reporting node.</li>
 *   <li>{@link dev.berth.manager.dispatcher.NodeLiveness}, run by the leader only, turns session
 *       keys into node states: a key that disappears makes its node {@code down}, one that
 *       appears makes it {@code ready} ({@link dev.berth.manager.dispatcher.LivenessRules}, pure).</li>
 * </ul>
 *
 * <p>Heartbeats write nothing to etcd but the lease keep-alive: liveness lives in etcd's lease
 * machinery, not in Node objects rewritten every second.
 */
package dev.berth.manager.dispatcher;
