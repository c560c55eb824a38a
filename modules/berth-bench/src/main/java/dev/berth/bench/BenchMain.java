package dev.berth.bench;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Entry point of {@code bin/berth-bench}: {@code scheduler [--nodes N] [--replicas R] [--runs K]}.
 */
public final class BenchMain {

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = System.out; // a benchmark's figures are its output
        List<String> list = Arrays.asList(args);
        if (list.isEmpty() || list.contains("--help") || !list.get(0).equals("scheduler")) {
            out.println("usage: berth-bench scheduler [--nodes 200] [--replicas 10000] [--runs 3]");
            System.exit(list.contains("--help") ? 0 : 2);
        }
        Map<String, Integer> options = new HashMap<>(Map.of("--nodes", 200, "--replicas", 10_000, "--runs", 3));
        for (int i = 1; i < list.size(); i += 2) {
            if (!options.containsKey(list.get(i)) || i + 1 >= list.size()) {
                out.println("unknown or incomplete option: " + list.get(i));
                System.exit(2);
            }
            options.put(list.get(i), Integer.parseInt(list.get(i + 1)));
        }
        new SchedulerScaleBenchmark(options.get("--nodes"), options.get("--replicas"), options.get("--runs"), out)
                .runAll();
        System.exit(0);
    }
}
