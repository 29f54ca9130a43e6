package ai.cascade.ops.backend;

/** Lets a caller stop a backend call in flight (e.g. {@code Statement::cancel}); interrupting a thread does not stop a query. */
@FunctionalInterface
public interface CancelSignal {
    CancelSignal NONE = hook -> { };

    /** Registers {@code hook} to stop the call; when the caller has already cancelled, the hook runs at once. */
    void onCancel(Runnable hook);

    /** True once the caller has cancelled: work not yet started should not start. */
    default boolean isCancelled() {
        return false;
    }
}
