/**
 * The local multi-node lab for tests: {@link dev.berth.testkit.lab.LabExtension} brings up N
 * "servers" on this machine with {@code deploy/lab.sh} (one network namespace, Docker engine and
 * Berth node each, on the bridge {@code berthlab0}) once per test class, hands tests a
 * {@link dev.berth.testkit.lab.Lab} to run commands on the nodes and to crash, revive, partition
 * and add them, and tears the lab down after the class. See {@code docs/lab.md}.
 */
package dev.berth.testkit.lab;
