package ai.cascade.ops.backend;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A backend's statistics over time: samples at a chosen interval on one daemon thread and keeps the last hour of
 * points. One sample is in flight at most, so a slow server delays samples instead of piling them up; a failed
 * sample records a gap and sampling carries on. Listeners hear of each new point on the sampler's thread.
 * <p>
 * A subclass reads one sample ({@link #read}) and turns it into a point ({@link #following}, typically rates since
 * the sample before); both hooks but {@link #read} run while this object's monitor is held, so the subclass's
 * memory of the previous sample needs no other guard.
 *
 * @param <S> one reading of the backend's counters
 * @param <P> one point of the history
 */
public abstract class PeriodicSampler<S, P> implements AutoCloseable {
    public static final List<Integer> INTERVAL_CHOICES = List.of(1, 5, 15, 60);
    public static final int DEFAULT_INTERVAL_SECONDS = 5;
    public static final Duration HISTORY = Duration.ofHours(1);
    private static final Logger log = LoggerFactory.getLogger(PeriodicSampler.class);
    // An hour at the shortest interval; the age limit usually trims first.
    private static final int CAPACITY = 3600;

    private final String what;
    private final ScheduledExecutorService sampler;
    private final List<Consumer<P>> listeners = new CopyOnWriteArrayList<>();
    private final ArrayDeque<P> history = new ArrayDeque<>();
    // Guarded by this:
    private int intervalSeconds = DEFAULT_INTERVAL_SECONDS;
    private boolean started, paused, closed;
    private ScheduledFuture<?> next;
    private long generation;   // pause and resume start a new chain of ticks; a tick of an older chain ends its chain
    private long lastReadNanos = Long.MIN_VALUE;
    private String failing;

    /** {@code what} names the work in logs and errors ("sampling database statistics"); {@code thread} names the thread. */
    protected PeriodicSampler(String what, String thread) {
        this.what = what;
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, thread);
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        this.sampler = executor;
    }

    /** Reads one sample, on the sampler's thread, without holding this object's monitor; throws when it cannot. */
    protected abstract S read(Instant at);

    /** The point for a new sample: rates since the previous one, or a baseline or reset point. */
    protected abstract P following(S sample);

    /** The point for a failed sample; the next sample starts rates afresh. */
    protected abstract P gap(Instant at, String error);

    /** Forgets the previous sample (after a pause), so the next point is a baseline rather than rates across the pause. */
    protected abstract void restart();

    protected abstract Instant at(P point);

    /** Starts sampling now, then every interval; later calls do nothing. */
    public synchronized void start() {
        if (started || closed) return;
        started = true;
        if (!paused) schedule(0);
    }

    /** Stops sampling until {@link #resume()}; no point reaches the listeners after this returns. History is kept. */
    public synchronized void pause() {
        paused = true;
        generation++;
        if (next != null) next.cancel(false);
        next = null;
    }

    /** Samples again, now; rates start afresh, so the paused time is not averaged into one point. */
    public synchronized void resume() {
        if (!paused) return;
        paused = false;
        generation++;
        restart();
        if (started && !closed) schedule(0);
    }

    public synchronized boolean isPaused() { return paused; }

    public synchronized int intervalSeconds() { return intervalSeconds; }

    /** Changes the interval (one of {@link #INTERVAL_CHOICES}); history and the rates' base are kept. */
    public synchronized void setIntervalSeconds(int seconds) {
        if (!INTERVAL_CHOICES.contains(seconds)) throw new IllegalArgumentException("The interval must be one of " + INTERVAL_CHOICES + " seconds, not " + seconds);
        if (seconds == intervalSeconds) return;
        intervalSeconds = seconds;
        // A tick in progress reschedules itself with the new interval; a waiting one is moved.
        if (next != null && next.cancel(false)) {
            long sinceLast = lastReadNanos == Long.MIN_VALUE ? Long.MAX_VALUE : System.nanoTime() - lastReadNanos;
            schedule(Math.max(0, TimeUnit.SECONDS.toMillis(seconds) - TimeUnit.NANOSECONDS.toMillis(sinceLast)));
        }
    }

    /** The kept points, oldest first: the last hour. */
    public synchronized List<P> history() {
        return List.copyOf(history);
    }

    /** {@code listener} hears of each new point, on the sampler's thread: it must return quickly. */
    public void addListener(Consumer<P> listener) {
        listeners.add(listener);
    }

    public void removeListener(Consumer<P> listener) {
        listeners.remove(listener);
    }

    /**
     * Takes a sample now, on the sampler's thread (after one in flight, never beside it), records and announces its
     * point and returns it. Works whether or not sampling was started, also while paused.
     */
    public P sampleNow() {
        try {
            return sampler.submit(() -> sampleAndRecord(true)).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while " + what, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(what + " failed: " + e.getMessage(), e);
        }
    }

    /** Stops sampling for good and ends the sampler's thread. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            if (next != null) next.cancel(false);
            next = null;
        }
        sampler.shutdownNow();
    }

    private void schedule(long delayMillis) {
        long chain = generation;
        next = sampler.schedule(() -> tick(chain), delayMillis, TimeUnit.MILLISECONDS);
    }

    private void tick(long chain) {
        long began = System.nanoTime();
        sampleAndRecord(false);
        synchronized (this) {
            if (chain != generation || !started || paused || closed) return;
            // The next tick on the interval's beat: a sample slower than the interval skips beats rather than queueing them.
            long intervalMillis = TimeUnit.SECONDS.toMillis(intervalSeconds);
            long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
            schedule(intervalMillis - took % intervalMillis);
        }
    }

    private P sampleAndRecord(boolean asked) {
        Instant at = Instant.now();
        long began = System.nanoTime();
        S sample = null;
        String error = null;
        try {
            sample = read(at);
        } catch (RuntimeException e) {
            error = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
        synchronized (this) {
            if (closed || (!asked && paused)) return null;   // paused while the sample was read: nothing new after pause()
            lastReadNanos = began;
            P point;
            if (sample != null) {
                if (failing != null) log.info("{} works again", capitalized(what));
                failing = null;
                point = following(sample);
            } else {
                if (!error.equals(failing)) log.warn("{} failed: {}", capitalized(what), error);
                failing = error;
                restart();   // rates across a gap would average an outage into one point
                point = gap(at, error);
            }
            record(point);
            for (Consumer<P> l : listeners) {
                try {
                    l.accept(point);
                } catch (RuntimeException e) {
                    log.warn("A listener of {} failed: {}", what, e.toString());
                }
            }
            return point;
        }
    }

    private void record(P point) {
        history.addLast(point);
        Instant oldest = at(point).minus(HISTORY);
        while (history.size() > CAPACITY || at(history.getFirst()).isBefore(oldest)) history.removeFirst();
    }

    private static String capitalized(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
