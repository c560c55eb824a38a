/**
 * The manager's cluster port (default 4242): the HTTPS listener other servers use. It serves the
 * CA certificate and joins to anyone (the join token is the credential), and agent sessions only
 * to holders of a node certificate of the cluster CA, whose CN is the session's node id.
 */
package dev.berth.manager.cluster;
