package ai.cascade.ops.database;

import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.backend.Connections;
import ai.cascade.ops.backend.PeriodicSampler;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;

/**
 * The database's activity over time: samples pg_stat_database and pg_stat_activity of the current database at a
 * chosen interval on one daemon thread, turns successive samples into per-second rates, and keeps the last hour.
 * One sample is in flight at most, so a slow server delays samples instead of piling them up; a failed sample
 * records a gap and sampling carries on. Listeners hear of each new point on the sampler's thread.
 */
public final class DatabaseTrends extends PeriodicSampler<TrendSample, TrendPoint> {
    private static final int QUERY_TIMEOUT_SECONDS = 5;

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
    private TrendSample previous;   // guarded by this (the sampler's monitor)

    public DatabaseTrends(Connections connections) {
        super("sampling database statistics", "database-trends");
        this.connections = connections;
    }

    @Override
    protected TrendPoint following(TrendSample sample) {
        TrendSample before = previous;
        previous = sample;
        if (before == null) return TrendPoint.baseline(sample.at(), sample.sessions());
        if (sample.resetSince(before)) return TrendPoint.reset(sample.at(), sample.sessions());
        return TrendPoint.rates(sample.at(), sample.sessions(), TrendRates.between(before, sample));
    }

    @Override
    protected TrendPoint gap(Instant at, String error) {
        return TrendPoint.gap(at, error);
    }

    @Override
    protected void restart() {
        previous = null;
    }

    @Override
    protected Instant at(TrendPoint point) {
        return point.at();
    }

    @Override
    protected TrendSample read(Instant at) {
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
