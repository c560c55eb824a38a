/**
 * End-to-end tests on several lab nodes (network namespaces with their own dockerd and Berth, built
 * by {@code deploy/lab.sh} through {@link dev.berth.testkit.lab.LabExtension}).
 */
package dev.berth.e2e.lab;
