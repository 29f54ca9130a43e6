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

    /** What the FX thread was doing the first time a post waited longer than 300 ms: the evidence when it fails. */
    private volatile String stuckAt;

    private void post() {
        long sent = System.nanoTime();
        long pending = oldestUnanswered.get();
        if (stuckAt == null && pending != 0 && sent - pending > 300_000_000L) stuckAt = fxThreadStack();
        oldestUnanswered.compareAndSet(0, sent);
        Platform.runLater(() -> {
            delaysMs.add((System.nanoTime() - sent) / 1_000_000);
            oldestUnanswered.compareAndSet(sent, 0);
        });
    }

    /**
     * Waits until the FX thread has answered every round trip within 200 ms for {@code quietFor} on end, e.g. so
     * a test watches an outage rather than the console's own start-up work. False if that never happened within
     * {@code bound} (the caller goes on: its own watchdog then judges).
     */
    public static boolean awaitQuiet(java.time.Duration quietFor, java.time.Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        long quietSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            long sent = System.nanoTime();
            java.util.concurrent.CountDownLatch answered = new java.util.concurrent.CountDownLatch(1);
            Platform.runLater(answered::countDown);
            try {
                if (!answered.await(200, TimeUnit.MILLISECONDS)) {
                    answered.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                    quietSince = System.nanoTime();
                    continue;
                }
                if (System.nanoTime() - quietSince >= quietFor.toNanos()) return true;
                Thread.sleep(Math.max(0, 50 - (System.nanoTime() - sent) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
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

    /**
     * Fails when the probe got no answer at all, or when any answer (or a post still unanswered now)
     * was later than the bound.
     */
    public void assertAnswered(long boundMs) {
        int n = answers();
        long worst = worstDelayMs();
        if (n == 0) throw new AssertionError("the FX thread never answered the watchdog");
        if (worst > boundMs) {
            throw new AssertionError("the FX thread answered " + worst + " ms late (bound " + boundMs + " ms, "
                    + n + " answers, " + late(boundMs) + " late)" + (stuckAt == null ? "" : "; first seen busy in:\n" + stuckAt));
        }
    }

    private static String fxThreadStack() {
        for (var e : Thread.getAllStackTraces().entrySet()) {
            if (!e.getKey().getName().equals("JavaFX Application Thread")) continue;
            StringBuilder b = new StringBuilder();
            StackTraceElement[] frames = e.getValue();
            for (int i = 0; i < Math.min(40, frames.length); i++) b.append("\tat ").append(frames[i]).append('\n');
            return b.toString();
        }
        return null;
    }

    private long late(long boundMs) {
        return delaysMs.stream().filter(d -> d > boundMs).count();
    }

    @Override
    public void close() {
        ticker.shutdownNow();
    }
}
