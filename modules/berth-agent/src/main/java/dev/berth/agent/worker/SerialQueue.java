package dev.berth.agent.worker;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Runs submitted jobs one after another, in submission order, on a shared thread pool: one
 * task's steps and events never run at the same time, while different tasks proceed in parallel.
 */
final class SerialQueue {

    private static final Logger LOG = LogManager.getLogger(SerialQueue.class);

    private final Executor pool;
    private final String name;
    private final Queue<Runnable> jobs = new ArrayDeque<>();
    private boolean draining;

    SerialQueue(Executor pool, String name) {
        this.pool = pool;
        this.name = name;
    }

    void submit(Runnable job) {
        synchronized (jobs) {
            jobs.add(job);
            if (draining) {
                return;
            }
            draining = true;
        }
        try {
            pool.execute(this::drain);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.debug("queue {} dropped its jobs: the worker is closing", name);
        }
    }

    private void drain() {
        while (true) {
            Runnable job;
            synchronized (jobs) {
                job = jobs.poll();
                if (job == null) {
                    draining = false;
                    return;
                }
            }
            try {
                job.run();
            } catch (RuntimeException e) {
                LOG.error("a job of {} failed", name, e);
            }
        }
    }
}
