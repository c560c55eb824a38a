/**
 * What a server says and hears when it joins a cluster: the join token ({@link dev.berth.api.join.JoinToken},
 * which carries the cluster CA's fingerprint and a secret), the join request and its answer. Shared by
 * the manager, which checks tokens and issues node certificates, and the joining client.
 *
 * <pre>
 * joining server                               manager (cluster port, TLS)
 *   GET /api/v1/ca (no trust yet) ───────────▶
 *        ◀─────────────  CA certificate; its SHA-256 must equal the token's fingerprint
 *   POST /api/v1/join (trusting only that CA) ─▶  checks the secret, registers the Node,
 *        ◀─────────────  JoinResponse          signs the node's public key
 * </pre>
 */
package dev.berth.api.join;
