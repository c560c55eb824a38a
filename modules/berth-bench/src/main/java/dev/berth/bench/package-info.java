/**
 * Benchmarks that print Berth's figures; they are run by hand or by {@code bin/berth-bench},
 * never as tests (timings are measured, not asserted).
 */
package dev.berth.bench;
