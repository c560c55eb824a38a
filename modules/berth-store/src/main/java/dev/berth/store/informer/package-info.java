/**
 * Informers: a local, watched cache of one kind for controllers (list, then watch from the
 * listing's revision; relist when that revision was compacted), with secondary indexes.
 */
package dev.berth.store.informer;
