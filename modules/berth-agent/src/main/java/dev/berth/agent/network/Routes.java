package dev.berth.agent.network;

import dev.berth.api.Cidr;
import dev.berth.api.session.SessionMessage.NetworkPeer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The routes to the other nodes' container subnets, planned as {@code ip route} commands. Pure:
 * it reads the output of {@code ip -4 route show} and returns the commands that make the kernel's
 * routes match the peers. Only routes through a gateway ({@code via}) to a subnet inside the
 * cluster's container range are ever deleted, so the node's own bridge route and every other
 * route of the host stay untouched.
 */
public final class Routes {

    private static final Logger LOG = LogManager.getLogger(Routes.class);

    private Routes() {
    }

    /**
     * A route of the kernel's main table.
     *
     * @param destination {@code 10.42.1.0/24}, a bare address for a host route, or {@code default}
     * @param via the gateway; empty for a directly connected route
     * @param device the interface; empty when the line did not say
     */
    public record Route(String destination, String via, String device) {
    }

    /** Parses the lines of {@code ip -4 route show}. */
    public static List<Route> parse(String output) {
        List<Route> routes = new ArrayList<>();
        for (String line : output.split("\n")) {
            String[] words = line.strip().split("\\s+");
            if (words.length == 0 || words[0].isEmpty()) {
                continue;
            }
            int start = 0;
            // a route type may come first ("unreachable 10.1.0.0/16", "blackhole …")
            if (words.length > 1 && !Character.isDigit(words[0].charAt(0)) && !words[0].equals("default")) {
                start = 1;
            }
            String via = "";
            String dev = "";
            for (int i = start + 1; i + 1 < words.length; i++) {
                if (words[i].equals("via")) {
                    via = words[i + 1];
                } else if (words[i].equals("dev")) {
                    dev = words[i + 1];
                }
            }
            routes.add(new Route(words[start], via, dev));
        }
        return List.copyOf(routes);
    }

    /**
     * The commands that make the routes to the peers' subnets match {@code peers}: a
     * {@code replace} for each peer whose route is missing or goes elsewhere, a {@code del} for
     * each route through a gateway to a subnet inside {@code containerCidr} that no peer has
     * (and that is not the node's own subnet).
     *
     * @param containerCidr the cluster's container range
     * @param ownSubnet this node's subnet (never routed elsewhere)
     * @param peers the other nodes
     * @param current the kernel's routes now
     */
    public static List<List<String>> plan(Cidr containerCidr, Optional<Cidr> ownSubnet, List<NetworkPeer> peers,
            List<Route> current) {
        Map<String, String> wanted = new LinkedHashMap<>();
        for (NetworkPeer peer : peers) {
            Optional<Cidr> subnet = cidr(peer.subnet());
            if (subnet.isEmpty() || peer.address() == null || peer.address().isBlank()) {
                continue;
            }
            Cidr s = subnet.get();
            if (!inside(s, containerCidr)) {
                LOG.warn("node {} has subnet {} outside the container range {}: no route to it", peer.nodeId(), s,
                        containerCidr);
                continue;
            }
            if (ownSubnet.isPresent() && s.overlaps(ownSubnet.get())) {
                LOG.warn("node {} has subnet {}, which overlaps this node's {}: no route to it", peer.nodeId(), s,
                        ownSubnet.get());
                continue;
            }
            wanted.put(s.toString(), peer.address().strip());
        }
        List<List<String>> commands = new ArrayList<>();
        Map<String, String> present = new LinkedHashMap<>();
        for (Route r : current) {
            Optional<Cidr> dest = cidr(r.destination());
            if (dest.isEmpty()) {
                continue;
            }
            String key = dest.get().toString();
            present.put(key, r.via());
            boolean ours = !r.via().isEmpty() && inside(dest.get(), containerCidr)
                    && (ownSubnet.isEmpty() || !dest.get().equals(ownSubnet.get()));
            if (ours && !wanted.containsKey(key)) {
                commands.add(List.of("ip", "route", "del", key, "via", r.via()));
            }
        }
        wanted.forEach((subnet, via) -> {
            if (!via.equals(present.get(subnet))) {
                commands.add(List.of("ip", "route", "replace", subnet, "via", via));
            }
        });
        return List.copyOf(commands);
    }

    private static boolean inside(Cidr inner, Cidr outer) {
        return inner.prefix() >= outer.prefix() && outer.contains(inner.network());
    }

    private static Optional<Cidr> cidr(String text) {
        if (text == null || text.isBlank() || text.equals("default")) {
            return Optional.empty();
        }
        try {
            return Optional.of(text.contains("/") ? Cidr.parse(text) : new Cidr(Cidr.parseAddress(text), 32));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
