package ai.cascade.ops.database;

import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.backend.Connections;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
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
 * The database's activity over time: samples pg_stat_database and pg_stat_activity of the current database at a
 * chosen interval on one daemon thread, turns successive samples into per-second rates, and keeps the last hour.
 * One sample is in flight at most, so a slow server delays samples instead of piling them up; a failed sample
 * records a gap and sampling carries on. Listeners hear of each new point on the sampler's thread.
 */
public final class DatabaseTrends implements AutoCloseable {
    public static final List<Integer> INTERVAL_CHOICES = List.of(1, 5, 15, 60);
    public static final int DEFAULT_INTERVAL_SECONDS = 5;
    public static final Duration HISTORY = Duration.ofHours(1);
    private static final Logger log = LoggerFactory.getLogger(DatabaseTrends.class);
    private static final int QUERY_TIMEOUT_SECONDS = 5;
    // An hour at the shortest interval; the age limit usually trims first.
    private static final int CAPACITY = 3600;

    // One cheap statement: pg_stat_database's row and the session states, the sampler's own session left out.
    private static final String SAMPLE = """
            SELECT d.numbackends, d.xact_commit, d.xact_rollback, d.tup_returned, d.tup_fetched, d.tup_inserted, d.tup_updated,
                   d.tup_deleted, d.blks_hit, d.blks_read, d.deadlocks, d.temp_bytes, d.stats_reset,
                   a.active, a.idle, a.idle_in_transaction, a.waiting, a.hidden
              FROM pg_stat_database d,
                   (SELECT count(*) FILTER (WHERE state = 'active') AS active,
                           count(*) FILTER (WHERE state = 'idle') AS idle,
                           count(*) FILTER (WHERE state LIKE 'idle in transaction%') AS idle_in_transaction,
                           count(*) FILTER (WHERE wait_event_type = 'Lock') AS waiting,
                           count(*) FILTER (WHERE state IS NULL) AS hidden
                      FROM pg_stat_activity
                     WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()) a
             WHERE d.datname = current_database()""";

    private final Connections connections;
    private final ScheduledExecutorService sampler;
    private final List<Consumer<TrendPoint>> listeners = new CopyOnWriteArrayList<>();
    private final ArrayDeque<TrendPoint> history = new ArrayDeque<>();
    // Guarded by this:
    private int intervalSeconds = DEFAULT_INTERVAL_SECONDS;
    private boolean started, paused, closed;
    private ScheduledFuture<?> next;
    private long generation;   // pause and resume start a new chain of ticks; a tick of an older chain ends its chain
    private TrendSample previous;
    private String failing;

    public DatabaseTrends(Connections connections) {
        this.connections = connections;
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "database-trends");
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        this.sampler = executor;
    }

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
        previous = null;
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
            long sinceLast = previous == null ? Long.MAX_VALUE : System.nanoTime() - previous.readNanos();
            schedule(Math.max(0, TimeUnit.SECONDS.toMillis(seconds) - TimeUnit.NANOSECONDS.toMillis(sinceLast)));
        }
    }

    /** The kept points, oldest first: the last hour. */
    public synchronized List<TrendPoint> history() {
        return List.copyOf(history);
    }

    /** {@code listener} hears of each new point, on the sampler's thread: it must return quickly. */
    public void addListener(Consumer<TrendPoint> listener) {
        listeners.add(listener);
    }

    public void removeListener(Consumer<TrendPoint> listener) {
        listeners.remove(listener);
    }

    /**
     * Takes a sample now, on the sampler's thread (after one in flight, never beside it), records and announces its
     * point and returns it. Works whether or not sampling was started, also while paused.
     */
    public TrendPoint sampleNow() {
        try {
            return sampler.submit(() -> sampleAndRecord(true)).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while sampling database statistics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Sampling database statistics failed: " + e.getMessage(), e);
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

    private TrendPoint sampleAndRecord(boolean asked) {
        Instant at = Instant.now();
        TrendSample sample = null;
        String error = null;
        try {
            sample = read(at);
        } catch (RuntimeException e) {
            error = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
        synchronized (this) {
            if (closed || (!asked && paused)) return null;   // paused while the statement ran: nothing new after pause()
            TrendPoint point = sample == null ? failed(at, error) : following(sample);
            record(point);
            for (Consumer<TrendPoint> l : listeners) {
                try {
                    l.accept(point);
                } catch (RuntimeException e) {
                    log.warn("A listener of the database's trends failed: {}", e.toString());
                }
            }
            return point;
        }
    }

    private TrendPoint following(TrendSample sample) {
        if (failing != null) log.info("Sampling database statistics works again");
        failing = null;
        TrendSample before = previous;
        previous = sample;
        if (before == null) return TrendPoint.baseline(sample.at(), sample.sessions());
        if (sample.resetSince(before)) return TrendPoint.reset(sample.at(), sample.sessions());
        return TrendPoint.rates(sample.at(), sample.sessions(), TrendRates.between(before, sample));
    }

    private TrendPoint failed(Instant at, String error) {
        if (!error.equals(failing)) log.warn("Sampling database statistics failed: {}", error);
        failing = error;
        previous = null;   // rates across a gap would average an outage into one point
        return TrendPoint.gap(at, error);
    }

    private void record(TrendPoint point) {
        history.addLast(point);
        Instant oldest = point.at().minus(HISTORY);
        while (history.size() > CAPACITY || history.getFirst().at().isBefore(oldest)) history.removeFirst();
    }

    private TrendSample read(Instant at) {
        return connections.database().query("sampling database statistics", QUERY_TIMEOUT_SECONDS, CancelSignal.NONE, st -> {
            long nanos = System.nanoTime();
            try (ResultSet rs = st.executeQuery(SAMPLE)) {
                if (!rs.next()) throw new SQLException("pg_stat_database has no row for the current database");
                TrendSessions sessions = new TrendSessions(rs.getInt("numbackends"), rs.getInt("active"), rs.getInt("idle"),
                        rs.getInt("idle_in_transaction"), rs.getInt("waiting"), rs.getInt("hidden"));
                Timestamp reset = rs.getTimestamp("stats_reset");
                return new TrendSample(at, nanos, sessions, rs.getLong("xact_commit"), rs.getLong("xact_rollback"), rs.getLong("tup_returned"),
                        rs.getLong("tup_fetched"), rs.getLong("tup_inserted"), rs.getLong("tup_updated"), rs.getLong("tup_deleted"),
                        rs.getLong("blks_hit"), rs.getLong("blks_read"), rs.getLong("deadlocks"), rs.getLong("temp_bytes"),
                        reset == null ? null : reset.toInstant());
            }
        });
    }
}
