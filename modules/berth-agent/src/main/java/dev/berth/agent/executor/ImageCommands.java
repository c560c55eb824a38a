package dev.berth.agent.executor;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The entrypoint and default arguments of images by reference ({@code redis:7}), which the
 * {@link EntrypointWrapper} needs for every plumbed container: read once per image rather than
 * once per task, and kept only while the engine's image event stream is open. Any image event
 * (tag, untag, import, load, pull, delete) forgets them all, so a tag moved to another image is
 * read again; between the change and its event (milliseconds) a task may still get the old
 * image's command. Without the stream (an engine that closed it) nothing is kept.
 */
final class ImageCommands implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(ImageCommands.class);
    private static final Duration REOPEN_DELAY = Duration.ofSeconds(1);

    /** What an image runs when the task does not say. */
    record Command(List<String> entrypoint, List<String> cmd) {
        Command {
            entrypoint = List.copyOf(entrypoint);
            cmd = List.copyOf(cmd);
        }
    }

    /** Reads an image's command from the engine. */
    interface Loader {
        Command load() throws ExecutorException;
    }

    private final DockerClient docker;
    private final ScheduledExecutorService scheduler;
    private final Map<String, Command> byReference = new ConcurrentHashMap<>();
    /** Counts image events, so that a read that overlapped one is not kept. */
    private final AtomicLong changes = new AtomicLong();
    private final AtomicBoolean opened = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicReference<Closeable> stream = new AtomicReference<>();
    private volatile boolean watching;

    ImageCommands(DockerClient docker, ScheduledExecutorService scheduler) {
        this.docker = docker;
        this.scheduler = scheduler;
    }

    /** The command of image {@code reference}, from memory or from {@code loader}. */
    Command get(String reference, Loader loader) throws ExecutorException {
        if (opened.compareAndSet(false, true)) {
            open();
        }
        Command known = watching ? byReference.get(reference) : null;
        if (known != null) {
            return known;
        }
        long before = changes.get();
        Command loaded = loader.load();
        if (watching && changes.get() == before) {
            byReference.put(reference, loaded);
        }
        return loaded;
    }

    private void forget() {
        changes.incrementAndGet();
        byReference.clear();
    }

    private void open() {
        if (closed.get()) {
            return;
        }
        docker.eventsCmd().withEventTypeFilter(EventType.IMAGE).exec(new ResultCallback.Adapter<Event>() {
            @Override
            public void onStart(Closeable closeable) {
                super.onStart(closeable);
                stream.set(closeable);
                forget();
                watching = true;
            }

            @Override
            public void onNext(Event event) {
                forget();
            }

            @Override
            public void onError(Throwable throwable) {
                LOG.debug("image event stream failed: {}", throwable.toString());
                lost();
            }

            @Override
            public void onComplete() {
                lost();
            }
        });
    }

    private void lost() {
        watching = false;
        forget();
        if (closed.get()) {
            return;
        }
        try {
            scheduler.schedule(this::open, REOPEN_DELAY.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // the executor is closing
        }
    }

    @Override
    public void close() {
        closed.set(true);
        watching = false;
        Closeable s = stream.getAndSet(null);
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                LOG.debug("closing the image event stream: {}", e.toString());
            }
        }
    }
}
