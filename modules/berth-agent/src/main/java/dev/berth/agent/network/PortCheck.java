package dev.berth.agent.network;

import dev.berth.api.PortConfig;
import dev.berth.api.Protocol;
import dev.berth.api.Task;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Refuses a task whose published port is already taken on this node, before its container
 * starts: DNAT in PREROUTING would otherwise silently steal the port from the process that
 * listens on it. A port is taken when another service already publishes it here, or when a
 * socket of any process (docker-proxy included) is bound to it. Ports that the task's own
 * service already publishes are fine: more replicas of one service share the port.
 */
public final class PortCheck {

    private final Supplier<Map<PublishedPort, String>> publishedByBerth;
    private final Predicate<PublishedPort> boundOnNode;

    /**
     * A check against the ports Berth publishes (usually
     * {@link IptablesPortPublisher#publishedPorts()}) and the node's real sockets.
     */
    public PortCheck(Supplier<Map<PublishedPort, String>> publishedByBerth) {
        this(publishedByBerth, PortCheck::isBound);
    }

    /** A check with its own idea of which ports are bound (for tests). */
    public PortCheck(Supplier<Map<PublishedPort, String>> publishedByBerth, Predicate<PublishedPort> boundOnNode) {
        this.publishedByBerth = Objects.requireNonNull(publishedByBerth, "publishedByBerth");
        this.boundOnNode = Objects.requireNonNull(boundOnNode, "boundOnNode");
    }

    /**
     * Why this task cannot start on this node, e.g. {@code port 4567 is already in use on this
     * node}; empty when all its published ports are free (or already its service's).
     */
    public Optional<String> check(Task task) {
        return check(task.spec().serviceName(), task.spec().template().ports());
    }

    /** As {@link #check(Task)}, for a service's published ports. */
    public Optional<String> check(String serviceName, List<PortConfig> ports) {
        Map<PublishedPort, String> owners = publishedByBerth.get();
        for (PortConfig config : ports) {
            if (config.published() <= 0) {
                continue;
            }
            PublishedPort port = new PublishedPort(config.published(), config.protocol());
            String owner = owners.get(port);
            if (serviceName.equals(owner)) {
                continue;
            }
            if (owner != null) {
                return Optional.of(inUse(port) + " (published by service " + owner + ")");
            }
            if (boundOnNode.test(port)) {
                return Optional.of(inUse(port));
            }
        }
        return Optional.empty();
    }

    private static String inUse(PublishedPort port) {
        String name = port.protocol() == Protocol.TCP ? String.valueOf(port.port()) : port.toString();
        return "port " + name + " is already in use on this node";
    }

    /**
     * Whether some socket on the node holds the port: binding the wildcard address fails when
     * any process listens on it (any address, IPv4 or IPv6, since Java binds a dual-stack
     * socket). SO_REUSEADDR keeps connections in TIME_WAIT from counting as a listener.
     */
    public static boolean isBound(PublishedPort port) {
        try {
            if (port.protocol() == Protocol.UDP) {
                try (DatagramSocket socket = new DatagramSocket(null)) {
                    socket.setReuseAddress(false);
                    socket.bind(new InetSocketAddress(port.port()));
                }
            } else {
                try (ServerSocket socket = new ServerSocket()) {
                    socket.setReuseAddress(true);
                    socket.bind(new InetSocketAddress(port.port()));
                }
            }
            return false;
        } catch (java.net.BindException e) {
            // EACCES (a privileged port for an unprivileged agent) says nothing about the port.
            return !String.valueOf(e.getMessage()).contains("Permission denied");
        } catch (IOException e) {
            return true;
        }
    }
}
