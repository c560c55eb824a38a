package dev.berth.testkit.lab;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * A running lab of Berth nodes on this machine, as {@link LabExtension} gives it to tests: the
 * nodes, commands on them, and the failures a test inflicts on them. Every operation is a call of
 * {@code deploy/lab.sh}, so a test does exactly what a person does by hand.
 *
 * <pre>{@code
 * @ExtendWith(LabExtension.class)
 * @LabNodes(3)
 * class NodeLossIT {
 *     @Test
 *     void replacesTasks(Lab lab) {
 *         LabNode node3 = lab.node(3);
 *         lab.berth(lab.node(1), "service", "create", "--name", "s", "--replicas", "3", "berth-examples/sleep:1");
 *         lab.kill(node3);                       // like a server losing power
 *         ... assert the replacements run on nodes 1 and 2 ...
 *         lab.revive(node3);                     // comes back with the same node id
 *     }
 * }
 * }</pre>
 *
 * <p>Nodes keep their index for the lab's life; {@link #addNode()} appends one. Methods are safe
 * to call from several threads; the script serializes what changes the lab.
 */
public final class Lab {

    /** How long a command on a node may run by default. */
    public static final Duration EXEC_TIMEOUT = Duration.ofSeconds(60);
    /** How long {@code up} and {@code add} may take (engines, images, Berth, agents joined). */
    static final Duration UP_TIMEOUT = Duration.ofMinutes(5);
    /** How long {@code kill}, {@code revive}, {@code cut}, {@code mend} and {@code down} may take. */
    static final Duration CHANGE_TIMEOUT = Duration.ofMinutes(2);

    private static final Logger LOG = LogManager.getLogger(Lab.class);
    private static final String ANSI = "\u001B\\[[0-9;]*m";

    private final LabScript script;
    private final boolean berth;
    private final List<LabNode> nodes = new CopyOnWriteArrayList<>();

    private Lab(LabScript script, boolean berth) {
        this.script = script;
        this.berth = berth;
    }

    /**
     * Builds a fresh lab of {@code count} nodes with the script {@code script} (whatever an earlier
     * lab left is removed first).
     *
     * @param berth whether the nodes run Berth ({@code false}: {@code --no-berth})
     * @throws LabException when the lab does not come up (its logs are in /var/log/berth-lab)
     */
    static Lab up(LabScript script, int count, boolean berth) {
        if (count < 1 || count > LabNode.MAX_INDEX) {
            throw new IllegalArgumentException("@LabNodes must be 1.." + LabNode.MAX_INDEX + ", got " + count);
        }
        Lab lab = new Lab(script, berth);
        List<String> args = new ArrayList<>(List.of("up", String.valueOf(count)));
        if (!berth) {
            args.add("--no-berth");
        }
        lab.change(UP_TIMEOUT, args);
        for (int i = 1; i <= count; i++) {
            lab.nodes.add(LabNode.of(i));
        }
        return lab;
    }

    /**
     * Stops and removes the whole lab of {@code script}, whatever state it is in; the host's own
     * Docker and processes are left alone.
     */
    static void down(LabScript script) {
        change(script, CHANGE_TIMEOUT, List.of("down"));
    }

    /** The script that runs this lab ({@code deploy/lab.sh} of the repository). */
    public Path script() {
        return script.path();
    }

    /** Whether the nodes run Berth. */
    public boolean runsBerth() {
        return berth;
    }

    /** The lab's nodes, by index. */
    public List<LabNode> nodes() {
        return List.copyOf(nodes);
    }

    /**
     * Node {@code index} (1-based).
     *
     * @throws IllegalArgumentException when the lab has no such node
     */
    public LabNode node(int index) {
        return nodes.stream().filter(n -> n.index() == index).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the lab has nodes 1.." + nodes.size() + ", not " + index));
    }

    /** The manager's API as the nodes reach it, {@code http://10.99.0.11:4243}. */
    public String managerUrl() {
        return LabNode.managerUrl();
    }

    /**
     * Runs {@code cmd} in {@code node}'s network namespace, with {@code DOCKER_HOST} set to its
     * engine and {@code BERTH_HOST} to the manager, and waits at most {@link #EXEC_TIMEOUT}. A
     * non-zero exit is a result, not an exception.
     *
     * @throws LabException when it does not finish in time (it is killed)
     */
    public ExecResult exec(LabNode node, String... cmd) {
        return exec(node, EXEC_TIMEOUT, cmd);
    }

    /** {@link #exec(LabNode, String...)} with a timeout of its own. */
    public ExecResult exec(LabNode node, Duration timeout, String... cmd) {
        if (cmd.length == 0) {
            throw new IllegalArgumentException("exec on node " + node.index() + " needs a command");
        }
        List<String> args = new ArrayList<>(List.of("exec", String.valueOf(node.index())));
        args.addAll(Arrays.asList(cmd));
        return run(timeout, args);
    }

    /** Runs the repository's {@code bin/berth ARGS} on {@code node} (it talks to the lab's manager). */
    public ExecResult berth(LabNode node, String... args) {
        List<String> all = new ArrayList<>(List.of("berth", String.valueOf(node.index())));
        all.addAll(Arrays.asList(args));
        return run(EXEC_TIMEOUT, all);
    }

    /** Runs {@code docker ARGS} against {@code node}'s engine. */
    public ExecResult docker(LabNode node, String... args) {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "docker";
        System.arraycopy(args, 0, cmd, 1, args.length);
        return exec(node, cmd);
    }

    /**
     * Crashes {@code node} like a server losing power: SIGKILL to its Berth processes (the manager
     * and etcd too on node 1), its dockerd, containerd, shims and containers. Its namespace,
     * address and data stay, so that {@link #revive(LabNode)} brings it back.
     */
    public void kill(LabNode node) {
        change(CHANGE_TIMEOUT, List.of("kill", String.valueOf(node.index())));
    }

    /** Starts a killed node's engine and Berth again, with the same state (and so the same node id). */
    public void revive(LabNode node) {
        change(CHANGE_TIMEOUT, List.of("revive", String.valueOf(node.index())));
    }

    /**
     * Crashes only {@code node}'s Berth (kill -9 of the manager, its etcd and its agent on node 1;
     * of the agent elsewhere); its engine and containers keep running, as when the JVM dies.
     */
    public void crashBerth(LabNode node) {
        change(CHANGE_TIMEOUT, List.of("crash-berth", String.valueOf(node.index())));
    }

    /** Starts a {@link #crashBerth crashed} node's Berth again, on the same state. */
    public void restartBerth(LabNode node) {
        change(CHANGE_TIMEOUT, List.of("restart-berth", String.valueOf(node.index())));
    }

    /** Partitions {@code node}: its link goes down, its processes keep running. */
    public void cut(LabNode node) {
        change(CHANGE_TIMEOUT, List.of("cut", String.valueOf(node.index())));
    }

    /** Ends a {@link #cut(LabNode)}: the node's link comes back up. */
    public void mend(LabNode node) {
        change(CHANGE_TIMEOUT, List.of("mend", String.valueOf(node.index())));
    }

    /**
     * Adds a node to the running lab (the next index), with its engine, the example images and,
     * if the lab runs Berth, its agent registered with the manager.
     *
     * @return the new node
     */
    public LabNode addNode() {
        ExecResult r = change(UP_TIMEOUT, List.of("add"));
        String[] lines = r.out().split("\n");
        int index;
        try {
            index = Integer.parseInt(lines[lines.length - 1].strip());
        } catch (NumberFormatException e) {
            throw new LabException("lab.sh add printed no node index: " + r.stdout(), e);
        }
        LabNode node = LabNode.of(index);
        nodes.add(node);
        return node;
    }

    /** The script's status table (node, namespace, address, link, Docker, Berth), for logs. */
    public String status() {
        return run(EXEC_TIMEOUT, List.of("status")).stdout();
    }

    private ExecResult run(Duration timeout, List<String> args) {
        ExecResult r = script.run(timeout, line -> LOG.debug("lab.sh: {}", line.replaceAll(ANSI, "")), args);
        LOG.debug("lab.sh {} exited {}", args, r.exit());
        return r;
    }

    /** A command that changes the lab: its progress is logged, and a failure is an exception. */
    private ExecResult change(Duration timeout, List<String> args) {
        return change(script, timeout, args);
    }

    private static ExecResult change(LabScript script, Duration timeout, List<String> args) {
        Consumer<String> progress = line -> LOG.info("lab: {}", line.replaceAll(ANSI, ""));
        ExecResult r = script.run(timeout, progress, args);
        if (!r.ok()) {
            throw new LabException("lab.sh " + String.join(" ", args) + " exited " + r.exit() + ": "
                    + lastLines(r.stderr(), 10) + " (logs: /var/log/berth-lab)");
        }
        return r;
    }

    private static String lastLines(String text, int n) {
        List<String> lines = text.strip().lines().map(l -> l.replaceAll(ANSI, "")).toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
    }
}
