package dev.berth.agent.network;

import dev.berth.agent.executor.NetworkAttachment;
import dev.berth.agent.executor.NetworkPlumber;
import java.io.IOException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Links containers to the node's bridge with a veth pair, as the CNI bridge plugin does, in two
 * processes per container: {@code nsenter -t PID -n ip -batch -} creates the pair inside the
 * container's namespace (its end named {@code eth0}, the other end sent to the agent's own
 * namespace as {@code bv<container id>}), gives {@code eth0} its address and default route; then
 * {@code ip -batch -} plugs the host end into the bridge, in hairpin mode (a task that calls its
 * own service may be balanced onto itself: the frame must go back out of the port it came in
 * on), and brings it up. The container's
 * {@code eth0} goes up (its carrier on) only with that last step, which is what the
 * {@linkplain dev.berth.agent.executor.EntrypointWrapper container's wait} watches for: by then
 * the address and route are in place. The kernel deletes the pair when the container's
 * namespace goes, so there is nothing to undo.
 */
public final class VethPlumber implements NetworkPlumber {

    /** How the host ends of the links are named: the prefix and the container id's first 12 characters. */
    static final String HOST_LINK_PREFIX = "bv";

    private final CommandRunner runner;
    private final long agentPid;

    /** Links containers to bridges in this process's network namespace. */
    public VethPlumber(CommandRunner runner) {
        this(runner, ProcessHandle.current().pid());
    }

    /** Links containers to bridges in the network namespace of process {@code agentPid}. */
    VethPlumber(CommandRunner runner, long agentPid) {
        this.runner = runner;
        this.agentPid = agentPid;
    }

    /** The host end's name: {@code bv} and the container id's first 12 characters (within 15). */
    static String hostLink(String containerId) {
        return HOST_LINK_PREFIX + containerId.substring(0, Math.min(12, containerId.length()));
    }

    /**
     * What {@code ip -batch} runs inside the container's namespace. Run with {@code -force}, so
     * that a link half made by an agent that died is completed: "File exists" is then no error.
     */
    static String containerSide(String hostLink, long agentPid, NetworkAttachment link) {
        return String.join("\n",
                "link add eth0 address " + macOf(link.address()) + " type veth peer name " + hostLink + " netns "
                        + agentPid,
                "addr add " + link.cidr() + " dev eth0",
                "link set eth0 up",
                "route add default via " + link.gateway(),
                "");
    }

    /**
     * The container's MAC address, made from its IPv4 address as the engine makes it
     * ({@code 02:42:} and the four bytes): a task that takes over a recently freed address is
     * then reached at once, where a random MAC would leave the bridge's and its neighbours' ARP
     * entries pointing at the old container's for seconds.
     */
    static String macOf(String address) {
        int ip = dev.berth.api.Cidr.parseAddress(address);
        return String.format("02:42:%02x:%02x:%02x:%02x", (ip >>> 24) & 0xff, (ip >>> 16) & 0xff, (ip >>> 8) & 0xff,
                ip & 0xff);
    }

    @Override
    public void connect(long pid, String containerId, NetworkAttachment link) throws IOException {
        String host = hostLink(containerId);
        CommandRunner.Result inside = runner.run(List.of("nsenter", "-t", Long.toString(pid), "-n",
                "ip", "-force", "-batch", "-"), containerSide(host, agentPid, link));
        if (!inside.ok()) {
            String errors = realErrors(inside.stderr());
            if (!errors.isEmpty()) {
                throw new IOException("ip in the container's namespace failed (exit " + inside.exitCode() + "): "
                        + errors);
            }
        }
        CommandRunner.Result plug = runner.run(List.of("ip", "-batch", "-"), hostSide(host, link));
        if (!plug.ok()) {
            throw new IOException("plugging " + host + " into bridge " + link.bridge() + " failed: "
                    + plug.stderr().strip());
        }
    }

    /** What {@code ip -batch} runs in the agent's namespace: the host end on the bridge, then up. */
    static String hostSide(String hostLink, NetworkAttachment link) {
        return String.join("\n",
                "link set " + hostLink + " master " + link.bridge(),
                "link set " + hostLink + " type bridge_slave hairpin on",
                "link set " + hostLink + " up",
                "");
    }

    /** The lines of {@code ip -batch}'s stderr that are not about something being there already. */
    static String realErrors(String stderr) {
        return stderr.lines()
                .map(String::strip)
                .filter(l -> !l.isEmpty() && !l.contains("File exists") && !l.startsWith("Command failed"))
                .collect(Collectors.joining("; "));
    }

    @Override
    public boolean connected(String containerId) throws IOException {
        CommandRunner.Result r = runner.run(List.of("ip", "-o", "link", "show", "dev", hostLink(containerId)), "");
        return r.ok() && (r.stdout().contains(",UP") || r.stdout().contains("<UP"));
    }
}
