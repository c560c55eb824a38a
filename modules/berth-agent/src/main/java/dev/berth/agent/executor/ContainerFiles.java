package dev.berth.agent.executor;

import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Volume;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The {@code /etc/hosts}, {@code /etc/hostname} and {@code /etc/resolv.conf} of the containers
 * the agent links to the cluster network itself. Such a container is created with the engine's
 * networking disabled ({@code NetworkDisabled}): the engine then builds no network sandbox for
 * it, which on Docker 20.10 runs dockerd's own binary twice per container (to create the network
 * namespace and as the runtime's prestart hook), about half of what starting a container costs
 * the engine on a small node (see docs/benchmarks.md). Nor does it write these three files; the
 * agent writes them instead, as the kubelet writes a pod's hosts file, into a directory per task
 * under the agent's state directory, bind-mounted into the container (read-write, as Docker
 * mounts its own).
 *
 * <p>The files say what Docker's would: the container's short id as its host name, named at its
 * cluster address in the hosts file next to Docker's loopback lines, and the node's DNS server
 * as the name server, with the search domains and options of the host's own resolv.conf.
 */
final class ContainerFiles {

    static final String HOSTS = "hosts";
    static final String HOSTNAME = "hostname";
    static final String RESOLV_CONF = "resolv.conf";

    private static final Logger LOG = LogManager.getLogger(ContainerFiles.class);
    /** Task ids are generated names; anything else is refused rather than used as a path. */
    private static final Pattern TASK_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
    /** Docker's loopback lines (libnetwork's etchosts), before the container's own. */
    private static final String LOOPBACK = String.join("\n",
            "127.0.0.1\tlocalhost",
            "::1\tlocalhost ip6-localhost ip6-loopback",
            "fe00::0\tip6-localnet",
            "ff00::0\tip6-mcastprefix",
            "ff02::1\tip6-allnodes",
            "ff02::2\tip6-allrouters",
            "");

    private final Path root;
    private final List<String> hostResolverLines;

    /**
     * @param root the directory under which each task gets its own
     * @param hostResolverLines the {@code search}, {@code domain} and {@code options} lines of the
     *     host's resolv.conf, copied into every container's
     */
    ContainerFiles(Path root, List<String> hostResolverLines) {
        if (root.toAbsolutePath().toString().contains(":")) {
            // the engine's bind syntax is source:target:mode
            throw new IllegalArgumentException("containers' files cannot be bind-mounted from " + root.toAbsolutePath()
                    + ": its path contains a ':'");
        }
        this.root = root.toAbsolutePath();
        this.hostResolverLines = List.copyOf(hostResolverLines);
    }

    /** Files under {@code root}, with the search domains and options of this host's resolv.conf. */
    static ContainerFiles under(Path root) {
        return new ContainerFiles(root, resolverLines(Path.of("/etc/resolv.conf")));
    }

    /** The {@code search}, {@code domain} and {@code options} lines of a resolv.conf; none if unreadable. */
    static List<String> resolverLines(Path resolvConf) {
        try {
            List<String> kept = new ArrayList<>();
            for (String line : Files.readAllLines(resolvConf)) {
                String s = line.strip();
                if (s.startsWith("search ") || s.startsWith("domain ") || s.startsWith("options ")) {
                    kept.add(s);
                }
            }
            return List.copyOf(kept);
        } catch (IOException | UncheckedIOException e) {
            LOG.debug("cannot read {} ({}): containers get no search domains", resolvConf, e.toString());
            return List.of();
        }
    }

    /** Where {@code taskId}'s files are. */
    Path dir(String taskId) {
        if (!TASK_ID.matcher(taskId).matches()) {
            throw new IllegalArgumentException("task id " + taskId + " cannot name a directory");
        }
        return root.resolve(taskId);
    }

    /** The bind mounts of {@code taskId}'s files, given when its container is created. */
    List<Bind> binds(String taskId) {
        Path dir = dir(taskId);
        return List.of(
                new Bind(dir.resolve(HOSTS).toString(), new Volume("/etc/hosts")),
                new Bind(dir.resolve(HOSTNAME).toString(), new Volume("/etc/hostname")),
                new Bind(dir.resolve(RESOLV_CONF).toString(), new Volume("/etc/resolv.conf")));
    }

    /**
     * Writes {@code taskId}'s files for its container, before the container starts (the engine
     * would make a missing bind source a directory).
     *
     * @param hostname the container's host name (its short id, Docker's default)
     */
    void write(String taskId, String hostname, NetworkAttachment network) throws IOException {
        Path dir = dir(taskId);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(HOSTNAME), hostname + "\n");
        Files.writeString(dir.resolve(HOSTS), hosts(network.address(), hostname));
        Files.writeString(dir.resolve(RESOLV_CONF), resolvConf(network.dns(), hostResolverLines));
    }

    /**
     * Deletes {@code taskId}'s files once its container {@code hostname} is removed; kept when
     * they belong to another container of the same task (a duplicate an agent restart found).
     */
    void delete(String taskId, String hostname) {
        if (!TASK_ID.matcher(taskId).matches()) {
            return; // a label set by hand: no directory of ours
        }
        Path dir = dir(taskId);
        try {
            String owner = Files.readString(dir.resolve(HOSTNAME)).strip();
            if (!owner.equals(hostname)) {
                return;
            }
        } catch (NoSuchFileException e) {
            // nothing written, or half: delete what there is
        } catch (IOException e) {
            LOG.warn("cannot read {}: {}", dir.resolve(HOSTNAME), e.toString());
            return;
        }
        deleteTree(dir);
    }

    /**
     * Deletes the files of every task not in {@code keep}: those of containers removed while no
     * agent ran. Only safe before this agent creates containers.
     */
    void prune(Set<String> keep) {
        if (!Files.isDirectory(root)) {
            return;
        }
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.toList()) {
                if (!keep.contains(dir.getFileName().toString())) {
                    LOG.debug("deleting {}: no container of that task is left", dir);
                    deleteTree(dir);
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot list {}: {}", root, e.toString());
        }
    }

    /** Docker's hosts file of a container named {@code hostname} at {@code address}. */
    static String hosts(String address, String hostname) {
        return LOOPBACK + address + "\t" + hostname + "\n";
    }

    /** A resolv.conf asking {@code nameservers}, with the host's search domains and options. */
    static String resolvConf(List<String> nameservers, List<String> hostLines) {
        StringBuilder b = new StringBuilder("# the Berth agent's: the node's DNS server answers the cluster's names\n");
        for (String line : hostLines) {
            if (!line.startsWith("options ")) {
                b.append(line).append('\n');
            }
        }
        nameservers.forEach(ns -> b.append("nameserver ").append(ns).append('\n'));
        for (String line : hostLines) {
            if (line.startsWith("options ")) {
                b.append(line).append('\n');
            }
        }
        return b.toString();
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (NoSuchFileException e) {
            // gone already
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("cannot delete {}: {}", dir, e.toString());
        }
    }
}
