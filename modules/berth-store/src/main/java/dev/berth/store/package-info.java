/**
 * Berth's only state: typed objects in etcd. {@link dev.berth.store.ObjectStore} is the seam
 * (get, list, create, compare-and-swap update, delete, transactions, watch);
 * {@link dev.berth.store.etcd} implements it over jetcd and launches the embedded etcd;
 * {@link dev.berth.store.informer} keeps a watched local cache for controllers.
 */
package dev.berth.store;
