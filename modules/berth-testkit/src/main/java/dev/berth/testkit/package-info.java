/**
 * JUnit 5 support for Berth's tests on real infrastructure. {@link dev.berth.testkit.EtcdExtension}
 * runs one real etcd per test JVM and gives each test its own key prefix;
 * {@link dev.berth.testkit.DockerExtension} gives tests a real Docker engine (the running one,
 * else a private dockerd) and the busybox test image.
 */
package dev.berth.testkit;
