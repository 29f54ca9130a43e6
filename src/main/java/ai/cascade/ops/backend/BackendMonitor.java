package ai.cascade.ops.backend;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
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
    private final List<ScheduledFuture<?>> schedules = new CopyOnWriteArrayList<>();
    private final Map<Backend, Probe> probes = new EnumMap<>(Backend.class);
    private final Duration slowAfter;

    public BackendMonitor(Duration slowAfter) {
        this.slowAfter = slowAfter;
        this.scheduler = Executors.newScheduledThreadPool(Backend.values().length, r -> {
            Thread t = new Thread(r, "ops-health");
            t.setDaemon(true);
            return t;
        });
        for (Backend b : Backend.values()) latest.put(b, Health.notConfigured(b));
    }

    /** Starts probing {@code backend} every {@code every}; a null probe marks it not configured. */
    public synchronized void watch(Backend backend, Probe probe, Duration every) {
        if (probe == null) {
            publish(Health.notConfigured(backend));
            return;
        }
        probes.put(backend, probe);
        publish(Health.checking(backend, "Connecting to " + backend.label() + "…"));
        schedules.add(scheduler.scheduleWithFixedDelay(() -> runProbe(backend, probe), 0, every.toMillis(), TimeUnit.MILLISECONDS));
    }

    /** Sets a state from outside the probes, e.g. while the demo servers start. */
    public void report(Health health) {
        publish(health);
    }

    /** Probes one backend now, off the caller's thread. */
    public void checkNow(Backend backend) {
        Probe p;
        synchronized (this) { p = probes.get(backend); }
        if (p != null) scheduler.execute(() -> runProbe(backend, p));
    }

    public void addListener(Consumer<Health> listener) {
        listeners.add(listener);
        synchronized (this) { latest.values().forEach(listener); }
    }

    public synchronized Health latest(Backend backend) {
        return latest.get(backend);
    }

    private void runProbe(Backend backend, Probe probe) {
        long start = System.nanoTime();
        Health result;
        try {
            String note = probe.check();
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            if (note != null) result = new Health(backend, Health.State.DEGRADED, took, note, Instant.now());
            else if (took.compareTo(slowAfter) > 0)
                result = new Health(backend, Health.State.DEGRADED, took,
                        backend.label() + " answered slowly (" + took.toMillis() + " ms).", Instant.now());
            else result = new Health(backend, Health.State.CONNECTED, took, backend.label() + " answered.", Instant.now());
        } catch (BackendException e) {
            result = new Health(backend, Health.State.DOWN, null, e.getMessage(), Instant.now());
        } catch (RuntimeException e) {
            log.warn("{} probe failed unexpectedly", backend.label(), e);
            result = new Health(backend, Health.State.DOWN, null, backend.label() + " check failed: " + e.getClass().getSimpleName(), Instant.now());
        }
        Health previous;
        synchronized (this) { previous = latest.get(backend); }
        if (previous == null || previous.state() != result.state())
            log.info("{} is now {}: {}", backend.label(), result.state(), result.message());
        publish(result);
    }

    private void publish(Health h) {
        synchronized (this) { latest.put(h.backend(), h); }
        for (Consumer<Health> l : listeners) l.accept(h);
    }

    @Override
    public void close() {
        schedules.forEach(f -> f.cancel(true));
        scheduler.shutdownNow();
    }
}
