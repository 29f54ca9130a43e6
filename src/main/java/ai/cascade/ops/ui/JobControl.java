package ai.cascade.ops.ui;

/** What a running piece of work sees of its job: progress to report, and whether it was cancelled. */
public interface JobControl extends ai.cascade.ops.backend.CancelSignal {
    void progress(double fraction, String message);

    boolean cancelled();

}
