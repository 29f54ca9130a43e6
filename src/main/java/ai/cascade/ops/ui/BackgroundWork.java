package ai.cascade.ops.ui;

import javafx.application.Platform;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.concurrent.Worker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The one way views run I/O: a bounded pool of daemon threads, results delivered on the FX thread,
 * and a live list of running jobs for the status bar (progress, cancel). The FX thread never waits here.
 */
public final class BackgroundWork implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BackgroundWork.class);
    private final ExecutorService executor;
    private final ObservableList<Job<?>> running = FXCollections.observableArrayList();

    public BackgroundWork(int threads) {
        AtomicInteger n = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "ops-work-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        ((ThreadPoolExecutor) executor).allowCoreThreadTimeOut(true);
    }

    /**
     * Starts {@code work}; {@code onSuccess} or {@code onFailure} runs on the FX thread afterwards.
     * A cancelled job calls neither. Must be called on the FX thread.
     */
    public <T> Job<T> run(String title, Work<T> work, Consumer<T> onSuccess, Consumer<Throwable> onFailure) {
        Job<T> job = new Job<>(title, work);
        if (executor.isShutdown()) {   // the console is closing: a late timer's work is not started, and no one is told
            job.cancel(true);
            return job;
        }
        job.stateProperty().addListener((obs, was, state) -> {
            if (state == Worker.State.SUCCEEDED || state == Worker.State.FAILED || state == Worker.State.CANCELLED)
                running.remove(job);
            if (state == Worker.State.SUCCEEDED) onSuccess.accept(job.getValue());
            if (state == Worker.State.FAILED) {
                Throwable e = job.getException();
                if (!(e instanceof CancellationException)) {
                    log.debug("'{}' failed: {}", title, e.toString());
                    onFailure.accept(e);
                }
            }
        });
        running.add(job);
        executor.execute(job);
        return job;
    }

    /** Jobs in flight, for the status bar; changed on the FX thread only. */
    public ObservableList<Job<?>> running() {
        return running;
    }

    /** Cancels every running job, e.g. when the profile changes. */
    public void cancelAll() {
        if (Platform.isFxApplicationThread()) java.util.List.copyOf(running).forEach(j -> j.cancel(true));
        else Platform.runLater(this::cancelAll);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
