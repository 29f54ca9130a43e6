package ai.cascade.ops.ui;

import javafx.concurrent.Task;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** One piece of background work, observable from the FX thread (progress, message, state) and cancellable. */
public final class Job<T> extends Task<T> {
    private static final Logger log = LoggerFactory.getLogger(Job.class);
    private final Work<T> work;
    private final List<Runnable> cancelHooks = new CopyOnWriteArrayList<>();

    Job(String title, Work<T> work) {
        this.work = work;
        updateTitle(title);
    }

    @Override
    protected T call() throws Exception {
        return work.run(new JobControl() {
            @Override public void progress(double fraction, String message) {
                if (fraction >= 0) updateProgress(fraction, 1.0);
                if (message != null) updateMessage(message);
            }
            @Override public boolean cancelled() { return isCancelled(); }
            @Override public void onCancel(Runnable hook) {
                cancelHooks.add(hook);
                if (isCancelled()) runHook(hook);   // registered too late for cancel(): run it now
            }
            @Override public boolean isCancelled() { return Job.this.isCancelled(); }
        });
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean done = super.cancel(mayInterruptIfRunning);
        for (Runnable hook : cancelHooks) runHook(hook);
        return done;
    }

    private void runHook(Runnable hook) {
        try {
            hook.run();
        } catch (RuntimeException e) {
            log.debug("A cancel hook of '{}' failed: {}", getTitle(), e.getMessage());
        }
    }
}
