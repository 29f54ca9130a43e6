package ai.cascade.ops.overview;

import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.backend.Connections;
import ai.cascade.ops.cache.CacheChecks;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;

import java.sql.ResultSet;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;

/** The figures of the overview page, each read on its own so one failing backend leaves the others. */
public final class OverviewFigures {
    /** Users by tier; {@code newestSignup} is UTC, as stored. */
    public record Users(long total, Map<String, Long> byTier, long loggedInLast24h, long joinedLast7d, LocalDateTime newestSignup) {}

    /** {@code hits}/{@code misses} are Redis' lifetime counters (INFO stats), not a rate over time. */
    public record Redis(String version, long keyCount, long usedMemory, long maxMemory, long clients, long hits, long misses, long uptimeSeconds) {}

    public record Postgres(String version, long databaseBytes, int connections, int maxConnections, long liveCollaborations) {}

    private static final int TIMEOUT_SECONDS = 30;
    private final Connections connections;

    public OverviewFigures(Connections connections) {
        this.connections = connections;
    }

    Connections connections() {
        return connections;
    }

    public Users users(CancelSignal cancel) {
        return connections.database().query("counting users", TIMEOUT_SECONDS, cancel, st -> {
            Map<String, Long> byTier = new LinkedHashMap<>();
            long total = 0;
            try (ResultSet rs = st.executeQuery(
                    "SELECT coalesce(subscription_tier, '(none)'), count(*) FROM cascade_users GROUP BY 1 ORDER BY 2 DESC")) {
                while (rs.next()) {
                    byTier.put(rs.getString(1), rs.getLong(2));
                    total += rs.getLong(2);
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT "
                    + "count(*) FILTER (WHERE last_login > (now() AT TIME ZONE 'UTC') - interval '24 hours'), "
                    + "count(*) FILTER (WHERE created_at > (now() AT TIME ZONE 'UTC') - interval '7 days'), "
                    + "max(created_at) FROM cascade_users")) {
                rs.next();
                return new Users(total, byTier, rs.getLong(1), rs.getLong(2), rs.getObject(3, LocalDateTime.class));
            }
        });
    }

    /**
     * The {@code cascade:session:*} keys, counted with SCAN (never KEYS, and no lookup of the keys themselves, so the
     * hit rate is left alone). SCAN may return a key twice while Redis resizes its table: a pulse, not an audit.
     */
    public long liveSessions(CancelSignal cancel) {
        AtomicBoolean stop = new AtomicBoolean();
        cancel.onCancel(() -> stop.set(true));
        return connections.redis().run("counting the login sessions", c -> {
            ScanArgs args = ScanArgs.Builder.matches("cascade:session:*").limit(1000);
            long n = 0;
            KeyScanCursor<String> cursor = c.scan(args);
            while (true) {
                n += cursor.getKeys().size();
                if (cursor.isFinished()) return n;
                if (stop.get()) throw new CancellationException("cancelled while counting sessions");
                cursor = c.scan(cursor, args);
            }
        });
    }

    public Postgres postgres(CancelSignal cancel) {
        return connections.database().query("reading server figures", TIMEOUT_SECONDS, cancel, st -> {
            try (ResultSet rs = st.executeQuery("SELECT current_setting('server_version'), pg_database_size(current_database()), "
                    + "(SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'), "
                    + "current_setting('max_connections')::int, "
                    + "(SELECT count(*) FROM collaboration_sessions WHERE ended_at IS NULL)")) {
                rs.next();
                return new Postgres(rs.getString(1), rs.getLong(2), rs.getInt(3), rs.getInt(4), rs.getLong(5));
            }
        });
    }

    /** INFO only: it counts as no keyspace hit, so looking does not change what is reported. */
    public Redis redis() {
        return connections.redis().run("reading INFO", c -> {
            Map<String, String> info = CacheChecks.parseInfo(c.info());
            long keys = c.dbsize();
            return new Redis(info.getOrDefault("redis_version", "?"), keys, CacheChecks.number(info, "used_memory"),
                    CacheChecks.number(info, "maxmemory"), CacheChecks.number(info, "connected_clients"),
                    CacheChecks.number(info, "keyspace_hits"), CacheChecks.number(info, "keyspace_misses"),
                    CacheChecks.number(info, "uptime_in_seconds"));
        });
    }
}
