package ai.cascade.ops.backend;

/** Lets a caller stop a backend call in flight (e.g. {@code Statement::cancel}); interrupting a thread does not stop a query. */
@FunctionalInterface
public interface CancelSignal {
    CancelSignal NONE = hook -> { };

    void onCancel(Runnable hook);
}
