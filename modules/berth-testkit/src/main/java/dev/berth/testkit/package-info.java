/**
 * JUnit 5 support for Berth's tests on real infrastructure. {@link dev.berth.testkit.EtcdExtension}
 * runs one real etcd per test JVM and gives each test its own key prefix.
 */
package dev.berth.testkit;
