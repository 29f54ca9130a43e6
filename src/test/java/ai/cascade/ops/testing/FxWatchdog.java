package ai.cascade.ops.testing;

import javafx.application.Platform;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Posts a round trip to the FX thread every 50 ms and records how late each answer came.
 * Monocle emits no pulses while idle, so only answered posts prove the thread is free.
 * An unanswered post counts as late by the time it has been waiting when the watchdog stops.
 */
public final class FxWatchdog implements AutoCloseable {
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fx-watchdog");
        t.setDaemon(true);
        return t;
    });
    private final List<Long> delaysMs = new CopyOnWriteArrayList<>();
    private final AtomicLong oldestUnanswered = new AtomicLong(0);

    public static FxWatchdog start() {
        FxWatchdog w = new FxWatchdog();
        w.ticker.scheduleAtFixedRate(w::post, 0, 50, TimeUnit.MILLISECONDS);
        return w;
    }

    private void post() {
        long sent = System.nanoTime();
        oldestUnanswered.compareAndSet(0, sent);
        Platform.runLater(() -> {
            delaysMs.add((System.nanoTime() - sent) / 1_000_000);
            oldestUnanswered.compareAndSet(sent, 0);
        });
    }

    public int answers() {
        return delaysMs.size();
    }

    /** The worst delay seen, counting a post still unanswered now. */
    public long worstDelayMs() {
        long worst = delaysMs.stream().mapToLong(Long::longValue).max().orElse(0);
        long pending = oldestUnanswered.get();
        if (pending != 0) worst = Math.max(worst, (System.nanoTime() - pending) / 1_000_000);
        return worst;
    }

    @Override
    public void close() {
        ticker.shutdownNow();
    }
}
