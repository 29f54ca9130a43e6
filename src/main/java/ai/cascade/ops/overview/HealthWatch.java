package ai.cascade.ops.overview;

import ai.cascade.ops.backend.CancelSwitch;
import ai.cascade.ops.backend.Check;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Runs every backend's checks in the background, every 30 s by default, whichever page is shown, so a check
 * that turns red is noticed while staff look elsewhere. One run at a time on a thread of its own; listeners
 * hear each result on that thread (views hop to the FX thread themselves).
 */
public final class HealthWatch implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HealthWatch.class);

    /**
     * One run's outcome.
     *
     * @param newlyAlarming the checks of this run that have just turned critical or unreachable ({@link RedAlerts})
     */
    public record Result(List<Check> checks, Instant checkedAt, List<Check> newlyAlarming) {}

    private final HealthChecks checks;
    private final Duration period;
    private final RedAlerts alerts = new RedAlerts();
    private final List<Consumer<Result>> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService scheduler;
    private final AtomicBoolean runQueued = new AtomicBoolean();
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile Result latest;
    private volatile CancelSwitch current;
    private volatile boolean closed;

    public HealthWatch(HealthChecks checks) {
        this(checks, Duration.ofSeconds(30));
    }

    public HealthWatch(HealthChecks checks, Duration period) {
        this.checks = checks;
        this.period = period;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ops-health-watch");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts checking: at once, then {@code period} after each run ends. Once only. */
    public void start() {
        if (started.compareAndSet(false, true))
            scheduler.scheduleWithFixedDelay(this::runOnce, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Asks for a run now; while one is in flight, one more follows it (never more than one waiting). */
    public void checkNow() {
        if (closed || !runQueued.compareAndSet(false, true)) return;
        try {
            scheduler.execute(() -> {
                runQueued.set(false);
                runOnce();
            });
        } catch (RejectedExecutionException e) {
            runQueued.set(false);   // closed meanwhile
        }
    }

    /** Hears every result, on the watch's thread. */
    public void addListener(Consumer<Result> listener) {
        listeners.add(listener);
    }

    public void removeListener(Consumer<Result> listener) {
        listeners.remove(listener);
    }

    /** The newest result, empty until the first run ends. */
    public Optional<Result> latest() {
        return Optional.ofNullable(latest);
    }

    private void runOnce() {
        if (closed) return;
        CancelSwitch cancel = new CancelSwitch();
        current = cancel;
        try {
            List<Check> found = checks.runAll(cancel);
            Result r = new Result(List.copyOf(found), Instant.now(), alerts.next(found));
            latest = r;
            for (Consumer<Result> l : listeners) {
                try {
                    l.accept(r);
                } catch (RuntimeException e) {
                    log.warn("A listener of the health checks failed: {}", e.toString(), e);
                }
            }
        } catch (CancellationException e) {
            log.debug("Health checks cancelled");
        } catch (RuntimeException e) {   // the next run may do better; the thread must live on
            log.warn("The health checks could not run: {}", e.toString(), e);
        } finally {
            current = null;
        }
    }

    /** Stops the schedule and whatever run is in flight (its queries are cancelled on the servers). */
    @Override
    public void close() {
        closed = true;
        CancelSwitch c = current;
        if (c != null) c.fire();
        scheduler.shutdownNow();
    }

    /** Waits up to {@code bound} for the watch's thread to end after {@link #close()}; true when it has. Not on the FX thread. */
    boolean awaitStopped(Duration bound) throws InterruptedException {
        return scheduler.awaitTermination(bound.toMillis(), TimeUnit.MILLISECONDS);
    }
}
