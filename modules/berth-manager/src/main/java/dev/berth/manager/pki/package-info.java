/**
 * The cluster's public-key infrastructure: the cluster CA ({@link dev.berth.manager.pki.ClusterCa},
 * created at cluster init and kept in etcd), the certificates it issues (managers' server
 * certificates at every start, nodes' client certificates at join), the join secrets behind the
 * join tokens ({@link dev.berth.manager.pki.JoinSecrets}) and the join itself
 * ({@link dev.berth.manager.pki.JoinService}).
 *
 * <p>Nothing here is an API object: the CA's key must never be listed or watched through the API,
 * so it lives under {@code /berth/v1/pki/} beside the objects, read by managers only
 * ({@link dev.berth.manager.pki.PkiStore}).
 */
package dev.berth.manager.pki;
