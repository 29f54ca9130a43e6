package ai.cascade.ops.database;

import ai.cascade.ops.backend.Backend;
import ai.cascade.ops.backend.BackendException;
import ai.cascade.ops.config.PostgresAddress;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The console's one Postgres pool, configured so a down or silent server fails within seconds
 * (STACK.md), and the one place that turns driver errors into messages a person can act on.
 */
public final class Database implements AutoCloseable {
    /** Work done on a pooled connection. */
    @FunctionalInterface
    public interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }

    private final PostgresAddress address;
    private final HikariDataSource pool;
    private final AcquireTimes acquireTimes = new AcquireTimes();

    public Database(PostgresAddress address, String applicationName, int maxPoolSize) {
        this.address = address;
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(address.jdbcUrl());
        if (!address.user().isEmpty()) c.setUsername(address.user());
        if (!address.password().isEmpty()) c.setPassword(address.password());
        c.setPoolName("cascade-ops");
        c.setMaximumPoolSize(maxPoolSize);
        c.setMinimumIdle(1);
        c.setInitializationFailTimeout(-1);   // build the pool even when Postgres is down
        c.setConnectionTimeout(3000);
        c.setValidationTimeout(1000);
        c.setRegisterMbeans(false);
        c.setMetricsTrackerFactory((name, stats) -> acquireTimes);
        c.addDataSourceProperty("connectTimeout", "2");
        c.addDataSourceProperty("loginTimeout", "3");
        c.addDataSourceProperty("socketTimeout", "30");  // statements set their own, shorter limits
        c.addDataSourceProperty("tcpKeepAlive", "true");
        c.addDataSourceProperty("ApplicationName", applicationName);
        address.parameters().forEach((k, v) -> {
            switch (k) {
                case "sslmode", "sslrootcert", "sslcert", "sslkey", "options" -> c.addDataSourceProperty(k, v);
                default -> { }
            }
        });
        this.pool = new HikariDataSource(c);
    }

    public PostgresAddress address() { return address; }

    public DataSource dataSource() { return pool; }

    /** Runs {@code work} on a pooled connection; any failure becomes a {@link BackendException} that says what to do. */
    public <T> T run(String what, SqlWork<T> work) {
        try (Connection c = pool.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new BackendException(Backend.POSTGRES, explain(what, e), e);
        }
    }

    /** Work on a statement with its own time limit, cancellable by the caller (the query is cancelled on the server). */
    @FunctionalInterface
    public interface StatementWork<T> {
        T run(java.sql.Statement statement) throws SQLException;
    }

    /** Runs {@code work} on one statement limited to {@code timeoutSeconds}; {@code cancel} stops it on the server. */
    public <T> T query(String what, int timeoutSeconds, ai.cascade.ops.backend.CancelSignal cancel, StatementWork<T> work) {
        if (cancel.isCancelled()) throw new java.util.concurrent.CancellationException(what + ": cancelled");
        return run(what, c -> {
            try (java.sql.Statement st = c.createStatement()) {
                st.setQueryTimeout(timeoutSeconds);
                cancel.onCancel(() -> {
                    try {
                        st.cancel();
                    } catch (SQLException e) {
                        org.slf4j.LoggerFactory.getLogger(Database.class).debug("cancel failed: {}", e.getMessage());
                    }
                });
                return work.run(st);
            }
        });
    }

    /** Work on a prepared statement whose parameters the caller binds. */
    @FunctionalInterface
    public interface PreparedWork<T> {
        T run(java.sql.PreparedStatement statement) throws SQLException;
    }

    /** Like {@link #query} for one parameterised statement: typed input is bound, never spliced into SQL. */
    public <T> T prepared(String what, int timeoutSeconds, ai.cascade.ops.backend.CancelSignal cancel, String sql, PreparedWork<T> work) {
        if (cancel.isCancelled()) throw new java.util.concurrent.CancellationException(what + ": cancelled");
        return run(what, c -> {
            try (java.sql.PreparedStatement st = c.prepareStatement(sql)) {
                st.setQueryTimeout(timeoutSeconds);
                cancel.onCancel(() -> {
                    try {
                        st.cancel();
                    } catch (SQLException e) {
                        org.slf4j.LoggerFactory.getLogger(Database.class).debug("cancel failed: {}", e.getMessage());
                    }
                });
                return work.run(st);
            }
        });
    }

    /** Pool figures for the status bar and the database view. */
    public PoolFigures poolFigures() {
        HikariPoolMXBean mx = pool.getHikariPoolMXBean();
        if (mx == null) return new PoolFigures(0, 0, 0, pool.getMaximumPoolSize());
        return new PoolFigures(mx.getActiveConnections(), mx.getIdleConnections(), mx.getThreadsAwaitingConnection(), pool.getMaximumPoolSize());
    }

    public record PoolFigures(int active, int idle, int waiting, int max) {}

    /** How long borrowing a connection from the pool took: since start, and over the last minute. */
    public AcquireFigures acquireFigures() {
        return acquireTimes.figures();
    }

    /**
     * Connection acquire times in milliseconds. {@code recent*} cover the acquisitions of the last minute
     * (at most the last {@value AcquireTimes#RECENT} of them); {@code timeouts} counts borrowers that gave up.
     */
    public record AcquireFigures(long count, double averageMillis, double maxMillis,
                                 long recentCount, double recentAverageMillis, double recentMaxMillis, long timeouts) {}

    /** Hikari reports every borrow here; kept small and lock-light because it runs on every getConnection. */
    private static final class AcquireTimes implements com.zaxxer.hikari.metrics.IMetricsTracker {
        static final int RECENT = 256;
        static final long RECENT_NANOS = java.util.concurrent.TimeUnit.MINUTES.toNanos(1);
        private final long[] recentAt = new long[RECENT];
        private final long[] recentNanos = new long[RECENT];
        private int next;
        private long count, totalNanos, maxNanos, timeouts;

        @Override
        public synchronized void recordConnectionAcquiredNanos(long nanos) {
            count++;
            totalNanos += nanos;
            maxNanos = Math.max(maxNanos, nanos);
            recentAt[next] = System.nanoTime();
            recentNanos[next] = nanos;
            next = (next + 1) % RECENT;
        }

        @Override
        public synchronized void recordConnectionTimeout() {
            timeouts++;
        }

        synchronized AcquireFigures figures() {
            long now = System.nanoTime(), recentCount = 0, recentTotal = 0, recentMax = 0;
            for (int i = 0; i < Math.min(count, RECENT); i++) {
                if (now - recentAt[i] > RECENT_NANOS) continue;
                recentCount++;
                recentTotal += recentNanos[i];
                recentMax = Math.max(recentMax, recentNanos[i]);
            }
            return new AcquireFigures(count, count == 0 ? 0 : totalNanos / 1e6 / count, maxNanos / 1e6,
                    recentCount, recentCount == 0 ? 0 : recentTotal / 1e6 / recentCount, recentMax / 1e6, timeouts);
        }
    }

    /** Turns a driver error into a sentence: what failed, where, and what to do. */
    public String explain(String what, SQLException e) {
        String where = "Postgres at " + address.describe();
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String detail = rootMessage(e);
        if (state.startsWith("08") || detail.contains("Connection refused") || e instanceof java.sql.SQLTransientConnectionException) {
            if (detail.contains("password authentication failed") || detail.contains("28P01"))
                return where + " rejected the password for user \"" + address.user() + "\". Check the profile's Postgres URL.";
            if (detail.contains("does not exist") && detail.contains("database"))
                return where + ": the database \"" + address.database() + "\" does not exist. Check the profile's Postgres URL.";
            if (detail.contains("Connection refused"))
                return where + " refused the connection. Is the server running, and is the port right?";
            if (detail.contains("UnknownHost") || detail.contains("unknown host") || detail.contains("Name or service not known"))
                return where + ": the host name \"" + address.host() + "\" is unknown. Check the profile's Postgres URL.";
            if (detail.contains("timed out") || detail.contains("timeout"))
                return where + " did not answer in time while " + what + ". The server or the network may be overloaded.";
            return where + " is unreachable while " + what + ": " + detail;
        }
        return switch (state) {
            case "28P01", "28000" -> where + " rejected the login for user \"" + address.user() + "\": " + detail;
            case "3D000" -> where + ": the database \"" + address.database() + "\" does not exist. Check the profile's Postgres URL.";
            case "42P01" -> where + " has no such table while " + what + " (" + detail + "). Is this a CASCADE database?";
            case "42501" -> where + " refused " + what + ": the login \"" + address.user() + "\" lacks the privilege (" + detail + ").";
            case "57014" -> "The query for " + what + " was cancelled (time limit reached or cancelled by you).";
            case "57P01", "57P02", "57P03" -> where + " is shutting down or starting up; try again shortly.";
            default -> where + " failed while " + what + ": " + detail;
        };
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        if (t instanceof java.net.UnknownHostException) m = "UnknownHost " + m;
        String top = e.getMessage() == null ? "" : e.getMessage();
        String combined = top.contains(m) ? top : top + " (" + m + ")";
        int nl = combined.indexOf('\n');
        return nl < 0 ? combined : combined.substring(0, nl);
    }

    @Override
    public void close() {
        pool.close();
    }
}
