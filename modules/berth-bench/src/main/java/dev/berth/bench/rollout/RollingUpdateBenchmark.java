package dev.berth.bench.rollout;

import com.github.dockerjava.api.DockerClient;
import dev.berth.api.Durations;
import dev.berth.bench.startup.EngineContender;
import dev.berth.bench.startup.ServiceStartBenchmark;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Entry point of the rolling-update benchmark ({@code deploy/bench-rollout.sh} runs it): for each
 * of R repetitions, every system in turn runs N replicas of the old image, rolls them to the new
 * one, is timed, and removes them (waiting until their containers are gone) before the next; then
 * the table of medians and ratios.
 *
 * <pre>
 * java -cp … dev.berth.bench.rollout.RollingUpdateBenchmark [--docker-host unix:///var/run/docker.sock]
 *     [--berth-url http://127.0.0.1:4243] [--systems engine,engine-net,swarm,berth] [--runs 3] [--replicas 50]
 *     [--parallelism 5] [--monitor 0s] [--image berth-examples/sleep:1] [--new-image berth-bench/sleep:2]
 *     [--init true] [--threads 8] [--timeout 600]
 * </pre>
 *
 * The systems of one repetition run back to back, so that a slow spell of the (shared) machine
 * touches all of them rather than one. A failed run of one system is reported and the others go
 * on; the exit status is then 1.
 */
public final class RollingUpdateBenchmark {

    private static final Logger LOG = LogManager.getLogger(RollingUpdateBenchmark.class);

    private static final Map<String, String> DEFAULTS = defaults();

    private RollingUpdateBenchmark() {
    }

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("--docker-host", Optional.ofNullable(System.getenv("DOCKER_HOST")).orElse("unix:///var/run/docker.sock"));
        d.put("--berth-url", "http://127.0.0.1:4243");
        d.put("--systems", "engine,engine-net,swarm,berth");
        d.put("--runs", "3");
        d.put("--replicas", "50");
        d.put("--parallelism", "5");
        d.put("--monitor", "0s");
        d.put("--image", "berth-examples/sleep:1");
        d.put("--new-image", "berth-bench/sleep:2");
        d.put("--init", "true");
        d.put("--threads", "8");
        d.put("--timeout", "600");
        return Map.copyOf(d);
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = System.out; // a benchmark's figures are its output
        Map<String, String> o = new LinkedHashMap<>(DEFAULTS);
        List<String> list = Arrays.asList(args);
        for (int i = 0; i < list.size(); i += 2) {
            if (!DEFAULTS.containsKey(list.get(i)) || i + 1 >= list.size()) {
                out.println("unknown or incomplete option: " + list.get(i) + "; options: " + DEFAULTS.keySet());
                System.exit(2);
            }
            o.put(list.get(i), list.get(i + 1));
        }
        RolloutPlan plan;
        int runs;
        Duration timeout;
        try {
            plan = new RolloutPlan(Integer.parseInt(o.get("--replicas")), Integer.parseInt(o.get("--parallelism")),
                    Durations.parse(o.get("--monitor")), o.get("--image"), o.get("--new-image"),
                    Boolean.parseBoolean(o.get("--init")));
            runs = Integer.parseInt(o.get("--runs"));
            timeout = Duration.ofSeconds(Long.parseLong(o.get("--timeout")));
        } catch (IllegalArgumentException e) {
            out.println("bad option: " + e.getMessage());
            System.exit(2);
            return;
        }
        boolean failed = false;
        try (DockerClient docker = ServiceStartBenchmark.docker(o.get("--docker-host"))) {
            List<Rollout> systems = new ArrayList<>();
            for (String system : o.get("--systems").split(",")) {
                switch (system.strip()) {
                    case "engine" -> systems.add(new EngineRollout(docker, Integer.parseInt(o.get("--threads")),
                            EngineContender.Networking.BRIDGE));
                    case "engine-net" -> systems.add(new EngineRollout(docker, Integer.parseInt(o.get("--threads")),
                            EngineContender.Networking.NETWORK));
                    case "swarm" -> systems.add(new SwarmRollout(docker));
                    case "berth" -> systems.add(new BerthRollout(o.get("--berth-url"), docker));
                    default -> {
                        out.println("unknown system " + system + " (engine, engine-net, swarm, berth)");
                        System.exit(2);
                    }
                }
            }
            out.printf("rolling update: %d replicas %s -> %s, parallelism %d, delay 0s, monitor %s, init %b%n",
                    plan.replicas(), plan.oldImage(), plan.newImage(), plan.parallelism(),
                    Durations.format(plan.monitor()), plan.init());
            if (plan.monitor().isZero() && systems.stream().anyMatch(s -> s instanceof SwarmRollout)) {
                out.println("(Swarm reads a monitor of 0 as its 5s default: it is given "
                        + Durations.format(SwarmRollout.monitor(plan.monitor())) + ")");
            }
            RolloutReport report = new RolloutReport(plan);
            for (int run = 1; run <= runs; run++) {
                for (Rollout system : systems) {
                    String name = "bench-" + system.name() + "-roll-" + run;
                    system.remove(name, timeout); // leftovers of an interrupted earlier run
                    try {
                        RolloutReport.Sample sample = new RolloutReport.Sample(system.name(), run,
                                system.run(name, plan, timeout));
                        report.add(sample);
                        out.println(RolloutReport.line(sample));
                    } catch (Exception e) {
                        // one system failing (Berth's rollout pausing, say) still leaves the others' figures
                        LOG.error("run {} of {} failed", run, system.name(), e);
                        out.printf("run %d  %-10s  FAILED: %s%n", run, system.name(), e.getMessage());
                        failed = true;
                    } finally {
                        system.remove(name, timeout);
                    }
                }
            }
            for (Rollout system : systems) {
                if (system instanceof EngineRollout engine) {
                    engine.removeNetwork();
                }
            }
            out.println();
            out.print(report.render());
        }
        System.exit(failed ? 1 : 0);
    }
}
