package dev.berth.agent.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.testkit.DockerExtension;
import dev.berth.testkit.DockerTestEnv;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The image command cache on the real engine: an image's command is read once, and again after
 * its tag changed (the engine's untag event).
 */
@ExtendWith(DockerExtension.class)
class ImageCommandsIT {

    private static final String TAG = "berth-test/image-commands:1";

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private DockerTestEnv docker;

    @AfterEach
    void tearDown() {
        scheduler.shutdownNow();
        if (docker != null) {
            try {
                docker.docker("rmi", TAG);
            } catch (IllegalStateException e) {
                // not tagged
            }
        }
    }

    @Test
    void anImagesCommandIsReadOnceUntilAnImageEventSaysItMayHaveChanged(DockerTestEnv env) throws Exception {
        docker = env;
        env.docker("tag", env.busyboxImage(), TAG);
        DockerExecutor executor = new DockerExecutor(env.host());
        ImageCommands cache = new ImageCommands(executor.client(), scheduler);
        AtomicInteger reads = new AtomicInteger();
        ImageCommands.Loader loader = () -> {
            reads.incrementAndGet();
            return new ImageCommands.Command(List.of(), List.of("read-" + reads.get()));
        };
        try {
            // the first reads happen before the event stream is open: they are not kept
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                int before = reads.get();
                cache.get(TAG, loader);
                cache.get(TAG, loader);
                return reads.get() == before + 1 || reads.get() == before;
            });
            int settled = reads.get();
            for (int i = 0; i < 20; i++) {
                cache.get(TAG, loader);
            }
            assertThat(reads.get()).isEqualTo(settled);

            // the tag goes (as when it moves to another image): the engine says so, and the
            // command is read again
            env.docker("rmi", TAG);
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                cache.get(TAG, loader);
                return reads.get() > settled;
            });
        } finally {
            cache.close();
            executor.close();
        }
    }
}
