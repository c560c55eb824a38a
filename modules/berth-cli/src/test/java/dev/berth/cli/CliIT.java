package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.api.Kind;
import dev.berth.api.Service;
import dev.berth.api.codec.Codec;
import dev.berth.manager.Manager;
import dev.berth.manager.ManagerConfig;
import dev.berth.testkit.EtcdExtension;
import dev.berth.testkit.EtcdTestEnv;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI's commands, run in-process against a real manager on the test etcd. One manager for the
 * class; every test uses its own service names.
 */
@ExtendWith(EtcdExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliIT {

    @TempDir
    Path dir;

    private Manager manager;
    private CliRunner cli;
    private EtcdTestEnv env;

    @BeforeAll
    void startManager(EtcdTestEnv env) throws Exception {
        this.env = env;
        Path state = Files.createTempDirectory("berth-cli-it");
        manager = new Manager(ManagerConfig.defaults()
                .withStateDir(state)
                .withExternalEtcd(env.endpoints(), env.prefix())
                .withListen("127.0.0.1", 0)
                .withClusterListen("127.0.0.1", 0)
                .withHostname("cli-host")
                .withElectionTtl(Duration.ofSeconds(2))).start();
        Path home = Files.createTempDirectory("berth-cli-home");
        cli = new CliRunner(Optional.of("http://127.0.0.1:" + manager.apiPort()), home);
    }

    @AfterAll
    void stopManager() {
        if (manager != null) {
            manager.close();
        }
    }

    static String service(String name, int replicas) {
        return """
                apiVersion: berth.dev/v1
                kind: Service
                metadata:
                  name: %s
                  labels: {app: %s}
                spec:
                  image: berth-examples/whoami:1
                  replicas: %d
                  ports: [{published: 0, target: 80}]
                """.formatted(name, name, replicas);
    }

    private Path write(String file, String text) throws Exception {
        Path p = dir.resolve(file);
        Files.writeString(p, text);
        return p;
    }

    private CliRunner.Run ok(String... args) {
        CliRunner.Run run = cli.run(args);
        assertThat(run.code()).as(run.toString()).isZero();
        return run;
    }

    private Service stored(String name) {
        return (Service) Codec.decodeAll(ok("get", "service", name, "-o", "yaml").out()).get(0);
    }

    @Test
    void applyCreatesLeavesUnchangedAndConfigures() throws Exception {
        Path file = write("web.yaml", service("apply-web", 2));
        assertThat(ok("apply", "-f", file.toString()).out()).isEqualTo("service/apply-web created\n");
        assertThat(ok("apply", "-f", file.toString()).out()).isEqualTo("service/apply-web unchanged\n");
        write("web.yaml", service("apply-web", 4));
        assertThat(ok("apply", "-f", file.toString()).out()).isEqualTo("service/apply-web configured\n");
        assertThat(stored("apply-web").spec().replicas()).isEqualTo(4);
        assertThat(stored("apply-web").metadata().generation()).isEqualTo(2);
    }

    @Test
    void applyTakesDirectoriesAndStdinInOneRequest() throws Exception {
        Path d = Files.createDirectory(dir.resolve("manifests"));
        Files.writeString(d.resolve("a.yaml"), service("dir-a", 1));
        Files.writeString(d.resolve("b.yml"), service("dir-b", 1));
        CliRunner.Run run = cli.runWithStdin(service("stdin-c", 1), "apply", "-f", d.toString(), "-f", "-");
        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.lines()).containsExactly("service/dir-a created", "service/dir-b created",
                "service/stdin-c created");
        assertThat(ok("get", "svc", "-l", "app=dir-b", "-o", "name").out()).isEqualTo("service/dir-b\n");
    }

    @Test
    void serviceCreateStoresExactlyWhatApplyStores() throws Exception {
        ok("service", "create", "--name", "flags-svc", "-p", "8080:80", "-p", "53:53/udp", "--replicas", "2",
                "-e", "GREETING=hi", "-l", "app=same", "--constraint", "node.role == manager",
                "--reserve-cpu", "0.5", "--reserve-memory", "64Mi", "--limit-memory", "128Mi",
                "--max-replicas-per-node", "2", "--placement-pref", "spread=node.labels.zone",
                "berth-examples/whoami:1", "sh", "-c", "echo hi");
        Service fromFlags = stored("flags-svc");
        // the YAML printed back applies as "unchanged": it is the object apply would store
        Path back = write("back.yaml", ok("get", "service", "flags-svc", "-o", "yaml").out());
        assertThat(ok("apply", "-f", back.toString()).out()).isEqualTo("service/flags-svc unchanged\n");
        // the same ports cannot be published by two services at once
        CliRunner.Run taken = cli.run("service", "create", "--name", "taken-svc", "-p", "8080:8080", "img:1");
        assertThat(taken.code()).isEqualTo(1);
        assertThat(taken.err()).contains(
                "spec.ports[0].published: port 8080/tcp is already published by service \"flags-svc\"");
        ok("service", "rm", "flags-svc");
        ok("apply", "-f", write("same.yaml", """
                apiVersion: berth.dev/v1
                kind: Service
                metadata: {name: yaml-svc, labels: {app: same}}
                spec:
                  image: berth-examples/whoami:1
                  replicas: 2
                  args: [sh, -c, echo hi]
                  env: {GREETING: hi}
                  ports: [{published: 8080, target: 80}, {published: 53, target: 53, protocol: udp}]
                  resources: {reservations: {cpus: 0.5, memory: 64Mi}, limits: {memory: 128Mi}}
                  placement:
                    constraints: ["node.role == manager"]
                    maxReplicasPerNode: 2
                    preferences: [{spread: node.labels.zone}]
                """).toString());
        Service fromYaml = stored("yaml-svc");
        assertThat(fromFlags.spec()).isEqualTo(fromYaml.spec());
        assertThat(fromFlags.metadata().labels()).isEqualTo(fromYaml.metadata().labels());
    }

    @Test
    void healthFlagsAndInitStoreExactlyWhatApplyStores() throws Exception {
        ok("service", "create", "--name", "health-flags", "--health-cmd", "wget -q -O- localhost:80",
                "--health-interval", "5s", "--health-timeout", "2s", "--health-retries", "2",
                "--health-start-period", "10s", "--init", "berth-examples/whoami:1");
        ok("apply", "-f", write("health.yaml", """
                apiVersion: berth.dev/v1
                kind: Service
                metadata: {name: health-yaml}
                spec:
                  image: berth-examples/whoami:1
                  init: true
                  healthCheck:
                    cmd: [/bin/sh, -c, "wget -q -O- localhost:80"]
                    interval: 5s
                    timeout: 2s
                    retries: 2
                    startPeriod: 10s
                """).toString());
        Service fromFlags = stored("health-flags");
        assertThat(fromFlags.spec()).isEqualTo(stored("health-yaml").spec());
        assertThat(fromFlags.spec().healthCheck().cmd()).containsExactly("/bin/sh", "-c", "wget -q -O- localhost:80");
        String yaml = ok("get", "service", "health-flags", "-o", "yaml").out();
        assertThat(yaml).contains("healthCheck:").contains("init: true").contains("startPeriod:");
        Path back = write("health-back.yaml", yaml);
        assertThat(ok("apply", "-f", back.toString()).out()).isEqualTo("service/health-flags unchanged\n");
        assertThat(ok("describe", "service", "health-flags").out())
                .containsPattern("Health check: +cmd /bin/sh -c 'wget -q -O- localhost:80', interval 5s, timeout 2s,"
                        + " retries 2, start period 10s\n")
                .containsPattern("Init: +yes\n");
        assertThat(ok("service", "inspect", "--pretty", "health-flags").out()).contains("Healthcheck:")
                .containsPattern(" Init: +true\n").containsPattern(" Interval: +5s\n");
        // a service without a check prints none of it in YAML
        ok("service", "create", "--name", "health-http", "--health-http", "80/healthz", "berth-examples/whoami:1");
        assertThat(stored("health-http").spec().healthCheck().httpGet().orElseThrow().path()).isEqualTo("/healthz");
        assertThat(ok("get", "service", "health-yaml", "-o", "json").out()).contains("\"healthCheck\"");
        ok("service", "create", "--name", "health-none", "berth-examples/whoami:1");
        assertThat(ok("get", "service", "health-none", "-o", "yaml").out()).doesNotContain("healthCheck")
                .doesNotContain("init:");
        ok("service", "rm", "health-flags", "health-yaml", "health-http", "health-none");
    }

    @Test
    void serviceLsAndPsPrintDockersColumns() throws Exception {
        ok("service", "create", "--name", "ls-svc", "--replicas", "2", "-p", "4567:4567", "berth-examples/whoami:1");
        String uid = stored("ls-svc").metadata().uid();
        List<String> ls = ok("service", "ls").lines();
        assertThat(ls.get(0).split("\\s{2,}")).containsExactly("ID", "NAME", "MODE", "REPLICAS", "IMAGE", "PORTS");
        String row = ls.stream().filter(l -> l.contains(" ls-svc ")).findFirst().orElseThrow();
        String[] cells = row.split("\\s{2,}");
        assertThat(cells).hasSize(6);
        assertThat(cells[0]).isEqualTo(uid.substring(0, 12));
        assertThat(cells[1]).isEqualTo("ls-svc");
        assertThat(cells[2]).isEqualTo("replicated");
        assertThat(cells[3]).matches("\\d+/2");
        assertThat(cells[5]).isEqualTo("*:4567->4567/tcp");

        List<String> ps = ok("service", "ps", "ls-svc").lines();
        assertThat(ps.get(0).split("\\s{2,}")).containsExactly("ID", "NAME", "IMAGE", "NODE", "DESIRED STATE",
                "CURRENT STATE", "ERROR", "PORTS");
        assertThat(cli.run("service", "ps", "no-such-svc").code()).isEqualTo(1);
    }

    @Test
    void psShowsTheTasksTheControllersCreate() {
        ok("service", "create", "--name", "ctl-svc", "--replicas", "2", "berth-examples/whoami:1");
        // the service controller creates a task per slot; the scheduler places them on this manager's node
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<String> lines = ok("service", "ps", "ctl-svc").lines();
            assertThat(lines).hasSize(3);
            assertThat(lines.get(1).split("\\s{2,}")[1]).isEqualTo("ctl-svc.1");
            assertThat(lines.get(2).split("\\s{2,}")[1]).isEqualTo("ctl-svc.2");
            assertThat(lines.get(1)).contains("berth-examples/whoami:1");
        });
    }

    @Test
    void scaleReplacesReplicasAndRejectsNegativeCounts() throws Exception {
        ok("service", "create", "--name", "scale-svc", "berth-examples/whoami:1");
        assertThat(ok("service", "scale", "scale-svc=5").out()).isEqualTo("scale-svc scaled to 5\n");
        assertThat(stored("scale-svc").spec().replicas()).isEqualTo(5);
        CliRunner.Run bad = cli.run("service", "scale", "scale-svc=-1");
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.err()).contains("spec.replicas: must be >= 0, got -1").startsWith("Error: ");
        assertThat(stored("scale-svc").spec().replicas()).isEqualTo(5);
    }

    @Test
    void rmDeletesServices() {
        ok("service", "create", "--name", "rm-svc", "berth-examples/whoami:1");
        assertThat(ok("service", "rm", "rm-svc").out()).isEqualTo("rm-svc\n");
        CliRunner.Run gone = cli.run("get", "service", "rm-svc");
        assertThat(gone.code()).isEqualTo(1);
        assertThat(gone.err()).startsWith("Error: ").contains("rm-svc");
        assertThat(cli.run("service", "rm", "rm-svc").code()).isEqualTo(1);
    }

    @Test
    void deleteByNameAndByFile() throws Exception {
        Path file = write("del.yaml", service("del-a", 1) + "---\n" + service("del-b", 1));
        ok("apply", "-f", file.toString());
        assertThat(ok("delete", "svc", "del-a").out()).isEqualTo("service/del-a deleted\n");
        CliRunner.Run byFile = cli.run("delete", "-f", file.toString());
        assertThat(byFile.code()).isEqualTo(1); // del-a is already gone
        assertThat(byFile.out()).isEqualTo("service/del-b deleted\n");
        assertThat(byFile.err()).contains("del-a");
    }

    @Test
    void nodeLsShowsThisManagerAsLeaderWithStar() {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            List<String> lines = ok("node", "ls").lines();
            assertThat(lines.get(0).split("\\s{2,}"))
                    .containsExactly("ID", "HOSTNAME", "STATUS", "AVAILABILITY", "MANAGER STATUS", "ENGINE VERSION");
            String row = lines.stream().filter(l -> l.startsWith(manager.nodeId())).findFirst().orElseThrow();
            assertThat(row.split("\\s{2,}")).containsExactly(manager.nodeId() + " *", "cli-host", "Ready", "Active",
                    "Leader");
        });
        assertThat(ok("node", "inspect", "cli-host").out()).contains("name: " + manager.nodeId());
        assertThat(ok("get", "nodes").out()).contains("cli-host").contains("manager");
        assertThat(ok("describe", "node", manager.nodeId()).out()).contains("Hostname:").contains("cli-host");
    }

    @Test
    void getFormats() throws Exception {
        ok("apply", "-f", write("fmt.yaml", service("fmt-svc", 1)).toString());
        List<String> table = ok("get", "services").lines();
        assertThat(table.get(0).split("\\s{2,}")).containsExactly("NAME", "MODE", "REPLICAS", "IMAGE", "PORTS", "AGE");
        assertThat(ok("get", "svc", "fmt-svc", "-o", "wide").lines().get(0)).contains("CONSTRAINTS");
        assertThat(ok("get", "service", "fmt-svc", "-o", "name").out()).isEqualTo("service/fmt-svc\n");
        JsonNode json = Codec.json().readTree(ok("get", "svc", "fmt-svc", "-o", "json").out());
        assertThat(json.path("metadata").path("name").asText()).isEqualTo("fmt-svc");
        JsonNode list = Codec.yaml().readTree(ok("get", "svc", "-l", "app=fmt-svc", "-o", "yaml").out());
        assertThat(list.path("kind").asText()).isEqualTo("List");
        assertThat(list.path("items")).hasSize(1);
        assertThat(ok("get", "clusters").out()).contains("default");
        assertThat(ok("describe", "svc", "fmt-svc").out()).contains("Name:").contains("fmt-svc").contains("Tasks:");
        assertThat(ok("service", "inspect", "fmt-svc").out()).contains("name: fmt-svc");
        assertThat(Codec.json().readTree(ok("service", "inspect", "--format", "json", "fmt-svc").out())
                .path("kind").asText()).isEqualTo("Service");
    }

    @Test
    void endpointsAreListedAndTheVirtualIpIsInThePrettyInspect() throws Exception {
        ok("apply", "-f", write("ep.yaml", service("ep-svc", 0)).toString());
        // the network controller's object; written here as it would be when no controller runs
        dev.berth.api.Endpoints endpoints;
        try (var store = env.newStore()) {
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(5).toNanos();
            while (store.get(Kind.ENDPOINTS, "ep-svc").isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            if (store.get(Kind.ENDPOINTS, "ep-svc").isEmpty()) {
                store.create(dev.berth.api.Endpoints.of(dev.berth.api.ObjectMeta.named("ep-svc"), "10.43.0.42",
                        dev.berth.api.EndpointMode.VIP, List.of(dev.berth.api.PortConfig.parse("80")), List.of(
                                new dev.berth.api.EndpointAddress("10.42.0.5", "t1", "n1", true))));
            }
            endpoints = store.get(Kind.ENDPOINTS, "ep-svc").orElseThrow();
        }
        assertThat(endpoints.virtualIp()).isNotEmpty();
        List<String> table = ok("get", "endpoints").lines();
        assertThat(table.get(0).split("\\s{2,}")).containsExactly("NAME", "VIRTUAL IP", "MODE", "PORTS", "ADDRESSES");
        assertThat(ok("get", "ep", "ep-svc").lines().get(1).split("\\s{2,}")).containsExactly("ep-svc",
                endpoints.virtualIp(), "vip", "80/tcp", dev.berth.cli.output.Tables.addresses(endpoints));
        JsonNode json = Codec.json().readTree(ok("get", "ep", "ep-svc", "-o", "json").out());
        assertThat(json.path("kind").asText()).isEqualTo("Endpoints");
        assertThat(json.path("virtualIp").asText()).isEqualTo(endpoints.virtualIp());
        assertThat(Codec.yaml().readTree(ok("get", "endpoints", "-o", "yaml").out()).path("kind").asText())
                .isEqualTo("List");
        assertThat(ok("service", "inspect", "--pretty", "ep-svc").out())
                .containsPattern("Virtual IP: +" + endpoints.virtualIp().replace(".", "\\."));
        assertThat(ok("describe", "ep", "ep-svc").out()).contains(endpoints.virtualIp());
        assertThat(ok("describe", "cluster", "default").out()).contains("10.42.0.0/16").contains("10.43.0.0/16");
    }

    @Test
    void watchPrintsARowPerChange() throws Exception {
        StringWriter out = new StringWriter();
        Thread watcher = new Thread(() -> cli.runStreaming(out, "get", "services", "-l", "app=watched", "-w"));
        watcher.setDaemon(true); // ends when the manager closes the stream
        watcher.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> out.toString().startsWith("NAME"));
        ok("apply", "-f", write("w.yaml", service("watched", 1)).toString());
        await().atMost(Duration.ofSeconds(10)).until(() -> out.toString().contains("\nwatched "));
        ok("service", "scale", "watched=3");
        await().atMost(Duration.ofSeconds(10)).until(() -> out.toString().lines()
                .anyMatch(l -> l.startsWith("watched ") && l.contains("/3")));
    }

    // ---- bad input: non-zero exit, a message naming the problem, nothing changed ----------------

    private void rejected(CliRunner.Run run, int code, String... expected) {
        assertThat(run.code()).as(run.toString()).isEqualTo(code);
        assertThat(run.err()).as(run.toString()).contains(expected);
    }

    @Test
    void badInputChangesNothing() throws Exception {
        ok("apply", "-f", write("keep.yaml", service("keep-svc", 1)).toString());
        String before = ok("get", "services", "-o", "name").out();
        Service keep = stored("keep-svc");

        rejected(cli.run("apply", "-f", write("malformed.yaml", "apiVersion: berth.dev/v1\nkind: [Service\n").toString()),
                1, "malformed.yaml", "malformed");
        rejected(cli.run("get", "widgets"), 2, "unknown kind \"widgets\"", "services, tasks, nodes, clusters");
        rejected(cli.run("apply", "-f", write("kind.yaml", service("kind-svc", 1).replace("kind: Service",
                "kind: Widget")).toString()), 1, "kind", "Widget");
        rejected(cli.run("apply", "-f", write("field.yaml", service("field-svc", 1).replace("replicas:",
                "replicaz:")).toString()), 1, "spec.replicaz", "unknown field");
        rejected(cli.run("service", "create", "--name", "neg-svc", "--replicas", "-1", "img:1"),
                1, "spec.replicas: must be >= 0, got -1");
        rejected(cli.run("service", "create", "--name", "port-svc", "-p", "70000:80", "img:1"),
                1, "spec.ports[0].published", "70000");
        rejected(cli.run("service", "create", "--name", "Bad_Name", "img:1"), 1, "metadata.name", "Bad_Name");
        rejected(cli.run("service", "create", "--name", "hc-retries", "--health-tcp", "80", "--health-retries", "0",
                "img:1"), 1, "spec.healthCheck.retries: must be >= 1, got 0");
        rejected(cli.run("service", "create", "--name", "hc-noprobe", "--health-interval", "5s", "img:1"),
                2, "--health-interval needs a probe");
        rejected(cli.run("service", "create", "--name", "hc-two", "--health-cmd", "true", "--health-http", "80",
                "img:1"), 2, "--health-cmd and --health-http");
        rejected(cli.run("apply", "-f", write("nocmd.yaml", service("hc-nocmd", 1)
                + "  healthCheck: {interval: 5s}\n").toString()), 1, "spec.healthCheck", "needs one of cmd, httpGet or tcp");
        rejected(cli.run("get", "service", "missing-svc"), 1, "missing-svc");
        rejected(cli.run("delete", "service", "missing-svc"), 1, "missing-svc");
        // one bad document among good ones: none is applied
        rejected(cli.run("apply", "-f", write("mixed.yaml", service("mixed-ok", 1) + "---\n"
                + service("mixed-bad", -3)).toString()), 1, "mixed.yaml", "document 2", "spec.replicas");
        // a malformed one among several files: nothing is even sent
        rejected(cli.run("apply", "-f", write("good.yaml", service("good-svc", 1)).toString(),
                "-f", dir.resolve("malformed.yaml").toString()), 1, "malformed.yaml");

        assertThat(ok("get", "services", "-o", "name").out()).isEqualTo(before);
        assertThat(stored("keep-svc").spec()).isEqualTo(keep.spec());
        assertThat(stored("keep-svc").metadata().resourceVersion()).isEqualTo(keep.metadata().resourceVersion());
    }
}
