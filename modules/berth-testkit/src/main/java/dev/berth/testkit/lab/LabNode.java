package dev.berth.testkit.lab;

import java.nio.file.Path;

/**
 * One node ("server") of the lab: its network namespace, address, Docker engine and Berth state,
 * all derived from its 1-based index the way {@code deploy/lab.sh} lays them out.
 *
 * @param index the node's number, 1-based (node 1 runs the manager)
 * @param namespace its network namespace, {@code berth-lab-I}
 * @param address its address on the lab bridge, {@code 10.99.0.(10+I)}
 * @param dockerHost its Docker engine, {@code unix:///run/berth-lab/I/docker.sock}
 * @param stateDir its Berth state directory (node id, and etcd on node 1)
 * @param hostname the host name its Berth node reports: {@code lab-I} (init and join get {@code --hostname})
 */
public record LabNode(int index, String namespace, String address, String dockerHost, Path stateDir, String hostname) {

    /** The lab's data root: node I's files are under {@code I/}. */
    public static final Path STATE_ROOT = Path.of("/var/lib/berth-lab");
    /** The highest node index the script accepts. */
    public static final int MAX_INDEX = 200;
    /** The port of the manager's API on node 1. */
    public static final int MANAGER_API_PORT = 4243;

    public LabNode {
        if (index < 1 || index > MAX_INDEX) {
            throw new IllegalArgumentException("lab node index must be 1.." + MAX_INDEX + ", got " + index);
        }
    }

    /** Node {@code index} as the script builds it. */
    public static LabNode of(int index) {
        return new LabNode(index, "berth-lab-" + index, "10.99.0." + (10 + index),
                "unix:///run/berth-lab/" + index + "/docker.sock", STATE_ROOT.resolve(String.valueOf(index)).resolve("berth"),
                "lab-" + index);
    }

    /** The manager's API as other nodes reach it: {@code http://10.99.0.11:4243}. */
    public static String managerUrl() {
        return "http://" + of(1).address() + ":" + MANAGER_API_PORT;
    }
}
