package dev.berth.store;

/** Why a store operation failed. The set is closed so callers can handle each case. */
public abstract sealed class StoreException extends RuntimeException {

    protected StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    /** No object of that kind and name. */
    public static final class NotFound extends StoreException {
        public NotFound(String message) {
            super(message, null);
        }
    }

    /** An object of that kind and name exists already. */
    public static final class AlreadyExists extends StoreException {
        public AlreadyExists(String message) {
            super(message, null);
        }
    }

    /** A compare-and-swap failed: the object changed since it was read. */
    public static final class Conflict extends StoreException {
        public Conflict(String message) {
            super(message, null);
        }
    }

    /** The requested revision was compacted; list again. */
    public static final class Compacted extends StoreException {
        private final long compactRevision;

        public Compacted(String message, long compactRevision) {
            super(message, null);
            this.compactRevision = compactRevision;
        }

        public long compactRevision() {
            return compactRevision;
        }
    }

    /** etcd could not be reached or answered with an error. */
    public static final class Unavailable extends StoreException {
        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
