package dev.berth.scheduler;

import dev.berth.api.PortConfig;
import dev.berth.api.Task;

/**
 * Keeps two tasks from publishing the same port in host mode ({@code publishMode: host}) on one
 * node: only one process can bind it. Ingress ports are published by the routing mesh on every
 * node and never conflict.
 */
public final class HostPortFilter implements Filter {

    @Override
    public boolean enabled(Task task) {
        for (PortConfig port : task.spec().template().ports()) {
            if (NodeInfo.bindsHostPort(port)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean check(Task task, NodeInfo node) {
        for (PortConfig port : task.spec().template().ports()) {
            if (NodeInfo.bindsHostPort(port) && node.hostPortInUse(port)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String explain(int nodeCount) {
        return "host-mode port already in use on " + Filter.nodes(nodeCount);
    }
}
