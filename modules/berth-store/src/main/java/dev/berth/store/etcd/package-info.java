/**
 * The etcd side of the store: {@link dev.berth.store.etcd.EtcdLauncher} starts and supervises
 * the embedded etcd child process, {@link dev.berth.store.etcd.EtcdStore} implements
 * {@link dev.berth.store.ObjectStore} over jetcd.
 */
package dev.berth.store.etcd;
