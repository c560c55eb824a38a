package dev.berth.bench.failover;

import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One orchestrator under test (Berth or Swarm), already running on the lab: creates and removes
 * the benchmark's service and reports what it sees as a {@link ClusterView}.
 */
public interface Contestant {

    /** Short name in the output: {@code berth}, {@code swarm}. */
    String name();

    /** Creates a replicated service of {@code replicas} sleep containers. */
    void createService(String service, int replicas) throws IOException, InterruptedException;

    /** Removes the service if it exists (its containers go asynchronously). */
    void removeService(String service) throws IOException, InterruptedException;

    /** What the system reports now about the lab's nodes and the service's tasks. */
    ClusterView view(String service) throws IOException, InterruptedException;

    /** The lab index of a node from the address it reports ({@code 10.99.0.13} is node 3), 0 if none. */
    static int labIndex(String address) {
        Matcher m = Pattern.compile("10\\.99\\.0\\.(\\d+)").matcher(address == null ? "" : address);
        if (!m.find()) {
            return 0;
        }
        int octet = Integer.parseInt(m.group(1));
        return octet > 10 ? octet - 10 : 0;
    }
}
