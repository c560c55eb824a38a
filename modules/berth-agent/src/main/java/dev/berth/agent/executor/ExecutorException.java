package dev.berth.agent.executor;

/**
 * Why the executor could not do what was asked. The message is written for a person and
 * becomes the task's error as it is ({@code No such image: x},
 * {@code container failed to start: exec: "nope": executable file not found in $PATH}).
 */
public abstract sealed class ExecutorException extends Exception {

    private ExecutorException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The image is not on the node and could not be pulled. */
    public static final class ImageNotFound extends ExecutorException {
        public ImageNotFound(String image, Throwable cause) {
            super("No such image: " + image, cause);
        }
    }

    /** The engine created the container but could not start it (bad command, bad mount…). */
    public static final class StartFailed extends ExecutorException {
        public StartFailed(String reason, Throwable cause) {
            super("container failed to start: " + reason, cause);
        }
    }

    /** Any other refusal or failure of the engine (unreachable, conflict, bad request…). */
    public static final class EngineFailure extends ExecutorException {
        public EngineFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
