/**
 * The manager process: {@link dev.berth.manager.Manager} wires the embedded etcd, the object
 * store, this manager's own node, the leader election (whose winner runs the controllers) and the
 * HTTP API server of {@link dev.berth.manager.api}.
 */
package dev.berth.manager;
