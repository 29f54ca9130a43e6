package ai.cascade.ops.backend;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Probes each configured backend on its own schedule, one probe in flight per backend, and tells
 * listeners about every result. A probe slower than {@code slowAfter} marks the backend degraded.
 */
public final class BackendMonitor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BackendMonitor.class);

    private final ScheduledExecutorService scheduler;
    private final Map<Backend, Health> latest = new EnumMap<>(Backend.class);
    private final List<Consumer<Health>> listeners = new CopyOnWriteArrayList<>();
    private final Map<Backend, ScheduledFuture<?>> schedules = new EnumMap<>(Backend.class);
    private final Map<Backend, Probe> probes = new EnumMap<>(Backend.class);
    /** Probes running now, by identity: a backend's check never overlaps itself (guarded by this). */
    private final Set<Probe> inFlight = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Duration slowAfter;
    /**
     * Notices probes still waiting for an answer. Its own thread: the probe threads may all be stuck in I/O,
     * and a black-holed server can keep a probe waiting for as long as its driver's longest timeout.
     */
    private final ScheduledExecutorService stillWaiting = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ops-health-waiting");
        t.setDaemon(true);
        return t;
    });
    /**
     * A probe unanswered this long is shown degraded at once, not only when its timeout ends it: with checks every
     * 2–3 s, a server that stops answering shows within 5 s.
     */
    static final Duration STILL_WAITING_FLOOR = Duration.ofSeconds(1);

    public BackendMonitor(Duration slowAfter) {
        this.slowAfter = slowAfter;
        this.scheduler = Executors.newScheduledThreadPool(Backend.values().length, r -> {
            Thread t = new Thread(r, "ops-health");
            t.setDaemon(true);
            return t;
        });
        for (Backend b : Backend.values()) latest.put(b, Health.notConfigured(b));
    }

    /**
     * Starts probing {@code backend} every {@code every}, replacing any earlier probe of it (whose late results
     * are dropped); a null probe marks it not configured.
     */
    public synchronized void watch(Backend backend, Probe probe, Duration every) {
        watch(backend, probe, every, every);
    }

    /**
     * As {@link #watch(Backend, Probe, Duration)}, but every {@code whileDown} while the backend is not connected (down,
     * or degraded: slow, or just back and still warming its pool), so its return shows sooner; for backends whose
     * checks cost next to nothing. One check is in flight at a time, so a slow server gets no more than one at once.
     */
    public synchronized void watch(Backend backend, Probe probe, Duration every, Duration whileDown) {
        ScheduledFuture<?> earlier = schedules.remove(backend);
        if (earlier != null) earlier.cancel(false);
        probes.remove(backend);
        if (probe == null) {
            publish(Health.notConfigured(backend));
            return;
        }
        probes.put(backend, probe);
        publish(Health.checking(backend, "Connecting to " + backend.label() + "…"));
        schedules.put(backend, scheduler.schedule(() -> probeAndPlanNext(backend, probe, every, whileDown), 0, TimeUnit.MILLISECONDS));
    }

    /** Sets a state from outside the probes, e.g. while the demo servers start. */
    public void report(Health health) {
        publish(health);
    }

    /** Probes one backend now, off the caller's thread; nothing happens while its check is already running. */
    public synchronized void checkNow(Backend backend) {
        Probe p = probes.get(backend);
        if (p != null && inFlight.add(p)) scheduler.execute(() -> measureAndPublish(backend, p));
    }

    /**
     * Tells {@code listener} the current state of every backend, then every change. Listeners are called in
     * order on the monitor's threads, one at a time: they must hand work on (e.g. to the FX thread), not block.
     */
    public synchronized void addListener(Consumer<Health> listener) {
        listeners.add(listener);
        latest.values().forEach(h -> tell(listener, h));
    }

    public synchronized Health latest(Backend backend) {
        return latest.get(backend);
    }

    /** One check, then the next one planned: sooner while the backend is not connected. Stops once it is re-watched. */
    private void probeAndPlanNext(Backend backend, Probe probe, Duration every, Duration whileDown) {
        try {
            runProbe(backend, probe);
        } finally {
            synchronized (this) {
                if (probes.get(backend) == probe && !scheduler.isShutdown()) {
                    Health h = latest.get(backend);
                    Duration next = h != null && h.state() == Health.State.CONNECTED ? every : whileDown;
                    try {
                        schedules.put(backend, scheduler.schedule(() -> probeAndPlanNext(backend, probe, every, whileDown),
                                next.toMillis(), TimeUnit.MILLISECONDS));
                    } catch (java.util.concurrent.RejectedExecutionException closed) {
                        // the monitor closed meanwhile
                    }
                }
            }
        }
    }

    private void runProbe(Backend backend, Probe probe) {
        synchronized (this) {
            if (probes.get(backend) != probe || !inFlight.add(probe)) return;
        }
        measureAndPublish(backend, probe);
    }

    /** Runs a probe already marked in flight; its result is dropped if the backend was re-watched meanwhile. */
    private void measureAndPublish(Backend backend, Probe probe) {
        Health result = null;
        long start = System.nanoTime();
        long noteAfter = Math.max(slowAfter.toMillis(), STILL_WAITING_FLOOR.toMillis());
        ScheduledFuture<?> note = null;
        try {
            note = stillWaiting.schedule(() -> noteStillWaiting(backend, probe, start), noteAfter, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            // the monitor closed meanwhile: its results are dropped anyway
        }
        try {
            result = measure(backend, probe, slowAfter);
        } finally {
            if (note != null) note.cancel(false);
            synchronized (this) {
                // No longer in flight before anyone hears the result, so a "check now" right after it is honoured.
                inFlight.remove(probe);
                if (result != null && probes.get(backend) == probe) {
                    Health previous = latest.get(backend);
                    if (previous == null || previous.state() != result.state())
                        log.info("{} is now {}: {}", backend.label(), result.state(), result.message());
                    publish(result);
                }
            }
        }
    }

    /**
     * A probe of a backend last seen answering is still waiting: say so now (degraded) instead of showing it
     * connected until the driver gives up. A backend already down stays down until the probe decides.
     */
    private synchronized void noteStillWaiting(Backend backend, Probe probe, long startNanos) {
        if (!inFlight.contains(probe) || probes.get(backend) != probe) return;
        Health previous = latest.get(backend);
        if (previous != null && previous.state() == Health.State.DOWN) return;
        Duration waited = Duration.ofNanos(System.nanoTime() - startNanos);
        Health h = new Health(backend, Health.State.DEGRADED, waited,
                backend.label() + " has not answered for " + waited.toSeconds() + " s; still waiting.", java.time.Instant.now());
        if (previous == null || previous.state() != h.state())
            log.info("{} is now {}: {}", backend.label(), h.state(), h.message());
        publish(h);
    }

    /** Runs one probe and judges it: connected, degraded (a note, or slower than {@code slowAfter}) or down. */
    public static Health measure(Backend backend, Probe probe, Duration slowAfter) {
        long start = System.nanoTime();
        try {
            String note = probe.check();
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            if (note != null) return new Health(backend, Health.State.DEGRADED, took, note, Instant.now());
            if (took.compareTo(slowAfter) > 0)
                return new Health(backend, Health.State.DEGRADED, took,
                        backend.label() + " answered slowly (" + took.toMillis() + " ms).", Instant.now());
            return new Health(backend, Health.State.CONNECTED, took, backend.label() + " answered.", Instant.now());
        } catch (BackendException e) {
            return new Health(backend, Health.State.DOWN, null, e.getMessage(), Instant.now());
        } catch (RuntimeException | LinkageError e) {   // a driver that fails to load must not leave "checking" forever
            log.warn("{} probe failed unexpectedly", backend.label(), e);
            return new Health(backend, Health.State.DOWN, null, backend.label() + " check failed: " + e.getClass().getSimpleName(), Instant.now());
        }
    }

    /** Under the lock, so listeners hear each backend's states in the order they were decided. */
    private synchronized void publish(Health h) {
        latest.put(h.backend(), h);
        for (Consumer<Health> l : listeners) tell(l, h);
    }

    /** A failing listener must not cancel the probe's schedule (an exception would) nor silence the others. */
    private static void tell(Consumer<Health> listener, Health h) {
        try {
            listener.accept(h);
        } catch (RuntimeException e) {
            log.warn("A health listener failed on {}", h.backend().label(), e);
        }
    }

    @Override
    public synchronized void close() {
        schedules.values().forEach(f -> f.cancel(true));
        schedules.clear();
        probes.clear();   // results of probes still running are dropped
        scheduler.shutdownNow();
        stillWaiting.shutdownNow();
    }
}
