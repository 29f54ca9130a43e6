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
 * <p>
 * Each delay is judged as the console's own: the wall-clock delay less the time the FX thread stood ready while the
 * machine gave it no CPU ({@link FxThreadClock}). A thread blocked in I/O or on a lock, or busy computing, gets no
 * such credit, so every freeze the console causes still counts in full; the raw delays are kept for the report.
 */
public final class FxWatchdog implements AutoCloseable {
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fx-watchdog");
        t.setDaemon(true);
        return t;
    });
    /** The console's own share of each answer's delay. */
    private final List<Long> delaysMs = new CopyOnWriteArrayList<>();
    /** Each answer's delay as the wall clock saw it, machine stalls included. */
    private final List<Long> rawDelaysMs = new CopyOnWriteArrayList<>();
    private final AtomicLong oldestUnanswered = new AtomicLong(0);
    /** The FX thread's run-queue time when the oldest unanswered post was sent. */
    private volatile long oldestUnansweredQueued;

    public static FxWatchdog start() {
        FxThreadClock.known();   // finds the FX thread's schedstat now, not on the ticker
        FxWatchdog w = new FxWatchdog();
        w.ticker.scheduleAtFixedRate(w::post, 0, 50, TimeUnit.MILLISECONDS);
        return w;
    }

    /** What the FX thread was doing the first time a post waited longer than 300 ms: the evidence when it fails. */
    private volatile String stuckAt;

    private void post() {
        long queued = FxThreadClock.runQueueNanos();
        long sent = System.nanoTime();
        long pending = oldestUnanswered.get();
        if (stuckAt == null && pending != 0 && ownNanos(pending, oldestUnansweredQueued, sent, queued) > 300_000_000L) stuckAt = fxThreadStack();
        if (oldestUnanswered.compareAndSet(0, sent)) oldestUnansweredQueued = queued;
        Platform.runLater(() -> {
            long now = System.nanoTime();
            delaysMs.add(ownNanos(sent, queued, now, FxThreadClock.runQueueNanos()) / 1_000_000);
            rawDelaysMs.add((now - sent) / 1_000_000);
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

    /** A delay less the FX thread's wait for a CPU in between: what the console itself made it wait. */
    private static long ownNanos(long sent, long queuedAtSend, long answered, long queuedAtAnswer) {
        return Math.max(0, (answered - sent) - Math.max(0, queuedAtAnswer - queuedAtSend));
    }

    /** Whether own delays are corrected on this system (the kernel says how long the FX thread waited for a CPU). */
    public static boolean corrected() {
        return FxThreadClock.known();
    }

    public int answers() {
        return delaysMs.size();
    }

    /** The worst delay of the console's own, counting a post still unanswered now. */
    public long worstDelayMs() {
        long worst = delaysMs.stream().mapToLong(Long::longValue).max().orElse(0);
        long pending = oldestUnanswered.get();
        if (pending != 0) worst = Math.max(worst, ownNanos(pending, oldestUnansweredQueued, System.nanoTime(), FxThreadClock.runQueueNanos()) / 1_000_000);
        return worst;
    }

    /** The worst delay as the wall clock saw it, the machine's stalls included. */
    public long worstRawDelayMs() {
        long worst = rawDelaysMs.stream().mapToLong(Long::longValue).max().orElse(0);
        long pending = oldestUnanswered.get();
        if (pending != 0) worst = Math.max(worst, (System.nanoTime() - pending) / 1_000_000);
        return worst;
    }

    /** Every answer's delay of the console's own, in ms, in the order answered (for the benchmark's distribution). */
    public List<Long> delaysMs() {
        return List.copyOf(delaysMs);
    }

    /** Every answer's delay on the wall clock, in ms. */
    public List<Long> rawDelaysMs() {
        return List.copyOf(rawDelaysMs);
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
            throw new AssertionError("the FX thread answered " + worst + " ms late of its own (" + worstRawDelayMs()
                    + " ms on the wall clock" + (FxThreadClock.known() ? "" : ", no CPU-wait correction on this system")
                    + "; bound " + boundMs + " ms, " + n + " answers, " + late(boundMs) + " late)" + (stuckAt == null ? "" : "; first seen busy in:\n" + stuckAt));
        }
    }

    /** What the FX thread is doing now, as a stack trace; null when there is no FX thread. */
    public static String fxThreadStack() {
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
