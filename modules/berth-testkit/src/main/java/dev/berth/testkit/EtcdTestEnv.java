package dev.berth.testkit;

import dev.berth.store.etcd.EtcdStore;
import io.etcd.jetcd.Client;
import java.util.ArrayList;
import java.util.List;

/**
 * What a test gets from {@link EtcdExtension}: the shared etcd's endpoints and a key prefix of
 * its own, so tests never see each other's objects. Stores made by {@link #newStore()} are
 * closed after the test.
 */
public final class EtcdTestEnv implements AutoCloseable {

    private final List<String> endpoints;
    private final Client client;
    private final String prefix;
    private final List<AutoCloseable> resources = new ArrayList<>();

    EtcdTestEnv(List<String> endpoints, Client client, String prefix) {
        this.endpoints = List.copyOf(endpoints);
        this.client = client;
        this.prefix = prefix;
    }

    /** The client URLs of the test etcd, e.g. {@code [http://127.0.0.1:43121]}. */
    public List<String> endpoints() {
        return endpoints;
    }

    /** This test's key prefix, e.g. {@code /test-7}: pass it to anything that takes a prefix. */
    public String prefix() {
        return prefix;
    }

    /**
     * A jetcd client to the test etcd, shared by all tests of the JVM: do not close it. Keys
     * written with it should stay under {@link #prefix()}.
     */
    public Client client() {
        return client;
    }

    /** A store on this test's prefix over the shared client; closed after the test. */
    public EtcdStore newStore() {
        EtcdStore store = EtcdStore.over(client, prefix);
        register(store);
        return store;
    }

    /** Closes {@code resource} after the test (in reverse order of registration). */
    public <R extends AutoCloseable> R register(R resource) {
        synchronized (resources) {
            resources.add(resource);
        }
        return resource;
    }

    @Override
    public void close() throws Exception {
        List<AutoCloseable> toClose;
        synchronized (resources) {
            toClose = new ArrayList<>(resources);
            resources.clear();
        }
        Exception first = null;
        for (int i = toClose.size() - 1; i >= 0; i--) {
            try {
                toClose.get(i).close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
