package ai.cascade.ops.ui;

/** A piece of background work; it may report progress and should stop early when cancelled. */
@FunctionalInterface
public interface Work<T> {
    T run(JobControl control) throws Exception;
}
