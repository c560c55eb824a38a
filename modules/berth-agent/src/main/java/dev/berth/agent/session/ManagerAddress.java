package dev.berth.agent.session;

/**
 * A manager's API address, {@code host:port} ({@code [::1]:4243} for IPv6).
 *
 * @param host the host name or address
 * @param port the API port
 */
public record ManagerAddress(String host, int port) {

    /** Reads {@code host:port} ({@code [v6]:port}); throws IllegalArgumentException naming the problem. */
    public static ManagerAddress parse(String address) {
        String a = address == null ? "" : address.trim();
        int colon = a.lastIndexOf(':');
        if (colon <= 0 || colon == a.length() - 1) {
            throw new IllegalArgumentException("manager address must be host:port, got \"" + address + "\"");
        }
        String host = a.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(a.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("manager address must be host:port, got \"" + address + "\"");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("manager port must be in 1..65535, got \"" + address + "\"");
        }
        return new ManagerAddress(host, port);
    }

    @Override
    public String toString() {
        return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
    }
}
