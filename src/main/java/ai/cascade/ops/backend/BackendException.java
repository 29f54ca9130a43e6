package ai.cascade.ops.backend;

/**
 * A backend call failed; the message is for a person: what failed, where, and what to do.
 * Driver exceptions stay as the cause (for the log), never as the message shown.
 */
public class BackendException extends RuntimeException {
    private final Backend backend;

    public BackendException(Backend backend, String message, Throwable cause) {
        super(message, cause);
        this.backend = backend;
    }

    public BackendException(Backend backend, String message) {
        this(backend, message, null);
    }

    public Backend backend() { return backend; }
}
