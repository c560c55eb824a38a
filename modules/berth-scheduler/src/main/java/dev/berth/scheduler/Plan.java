package dev.berth.scheduler;

import java.util.List;

/**
 * What the {@link Planner} decided for a batch of pending tasks: every task appears exactly once,
 * either assigned to a node or rejected with the reason. Applying it (writing the tasks to etcd)
 * is the caller's business.
 *
 * @param assignments the tasks placed, in the order they were placed
 * @param rejections the tasks no node could take, with Swarm's sentence saying why
 */
public record Plan(List<Assignment> assignments, List<Rejection> rejections) {

    public Plan {
        assignments = List.copyOf(assignments);
        rejections = List.copyOf(rejections);
    }
}
