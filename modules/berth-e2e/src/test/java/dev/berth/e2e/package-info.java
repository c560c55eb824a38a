/**
 * End-to-end tests: the article's step 3 (a service created, listed, curled, scaled, killed,
 * removed, and Berth itself killed and restarted) on a real Docker engine, driving the real
 * {@code bin/berth} as a subprocess with its own state directory, API port and etcd ports.
 */
package dev.berth.e2e;
