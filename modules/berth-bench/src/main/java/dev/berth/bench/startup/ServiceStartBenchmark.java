package dev.berth.bench.startup;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Entry point of the start-up benchmark ({@code deploy/bench-agent.sh} runs it): for each N and
 * each of R repetitions, every system in turn starts N replicas, is timed, and removes them
 * (waiting until their containers are gone) before the next; then the table of medians and ratios.
 *
 * <pre>
 * java -cp … dev.berth.bench.startup.ServiceStartBenchmark [--docker-host unix:///var/run/docker.sock]
 *     [--berth-url http://127.0.0.1:4243] [--systems engine,swarm,berth] [--sizes 10,50,100] [--runs 3]
 *     [--image berth-examples/sleep:1] [--threads 8] [--timeout 600] [--berth-observe watch|poll]
 * </pre>
 *
 * The systems of one repetition run back to back, so that a slow spell of the machine (it is
 * shared) touches all of them rather than one. Swarm needs the engine to be a swarm manager and
 * Berth a running manager with a local agent: the script sets both up and tears them down.
 */
public final class ServiceStartBenchmark {

    private static final Map<String, String> DEFAULTS = Map.of(
            "--docker-host", Optional.ofNullable(System.getenv("DOCKER_HOST")).orElse("unix:///var/run/docker.sock"),
            "--berth-url", "http://127.0.0.1:4243",
            "--systems", "engine,swarm,berth",
            "--sizes", "10,50,100",
            "--runs", "3",
            "--image", "berth-examples/sleep:1",
            "--threads", "8",
            "--timeout", "600",
            "--berth-observe", "watch");

    private ServiceStartBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = System.out; // a benchmark's figures are its output
        Map<String, String> o = new HashMap<>(DEFAULTS);
        List<String> list = Arrays.asList(args);
        for (int i = 0; i < list.size(); i += 2) {
            if (!DEFAULTS.containsKey(list.get(i)) || i + 1 >= list.size()) {
                out.println("unknown or incomplete option: " + list.get(i) + "; options: " + DEFAULTS.keySet());
                System.exit(2);
            }
            o.put(list.get(i), list.get(i + 1));
        }
        List<Integer> sizes = Arrays.stream(o.get("--sizes").split(",")).map(String::strip).map(Integer::parseInt).toList();
        int runs = Integer.parseInt(o.get("--runs"));
        Duration timeout = Duration.ofSeconds(Long.parseLong(o.get("--timeout")));
        String image = o.get("--image");
        try (DockerClient docker = docker(o.get("--docker-host"))) {
            String imageId = docker.inspectImageCmd(image).exec().getId();
            List<Contender> contenders = new ArrayList<>();
            for (String system : o.get("--systems").split(",")) {
                switch (system.strip()) {
                    case "engine" -> contenders.add(new EngineContender(docker, image, Integer.parseInt(o.get("--threads"))));
                    case "engine-net" -> contenders.add(new EngineContender(docker, image,
                            Integer.parseInt(o.get("--threads")), EngineContender.Networking.NETWORK));
                    case "engine-nonet" -> contenders.add(new EngineContender(docker, image,
                            Integer.parseInt(o.get("--threads")), EngineContender.Networking.DISABLED));
                    case "swarm" -> contenders.add(new SwarmContender(docker, imageId));
                    case "berth" -> contenders.add(new BerthContender(o.get("--berth-url"), docker, image,
                            !"poll".equals(o.get("--berth-observe"))));
                    default -> {
                        out.println("unknown system " + system + " (engine, engine-nonet, engine-net, swarm, berth)");
                        System.exit(2);
                    }
                }
            }
            StartupReport report = new StartupReport();
            for (int n : sizes) {
                for (int run = 1; run <= runs; run++) {
                    for (Contender c : contenders) {
                        String name = "bench-" + c.name() + "-" + n + "-" + run;
                        c.remove(name, timeout); // leftovers of an interrupted earlier run
                        try {
                            Timing t = c.start(name, n, timeout);
                            report.add(new StartupReport.Sample(c.name(), n, run, t));
                            out.printf(Locale.ROOT, "N=%-4d run %d  %-12s create %6.2fs  first %6.2fs  all %7.2fs%n",
                                    n, run, c.name(), t.created(), t.first(), t.all());
                        } finally {
                            c.remove(name, timeout);
                        }
                    }
                }
            }
            out.println();
            out.print(report.render());
            for (Contender c : contenders) {
                if (c instanceof EngineContender engine) {
                    engine.removeNetwork();
                }
            }
        }
        System.exit(0);
    }

    /** A client of the engine at {@code host} with enough connections for the parallel starts. */
    public static DockerClient docker(String host) {
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(host).build();
        ApacheDockerHttpClient http = new ApacheDockerHttpClient.Builder().dockerHost(URI.create(host))
                .maxConnections(64).connectionTimeout(Duration.ofSeconds(10)).responseTimeout(Duration.ofMinutes(5))
                .build();
        return DockerClientImpl.getInstance(config, http);
    }
}
