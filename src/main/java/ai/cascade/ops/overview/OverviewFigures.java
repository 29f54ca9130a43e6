package ai.cascade.ops.overview;

import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.backend.Connections;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.Map;

/** The figures of the overview page, each read on its own so one failing backend leaves the others. */
public final class OverviewFigures {
    /** Users by tier; {@code newestSignup} is UTC, as stored. */
    public record Users(long total, Map<String, Long> byTier, long loggedInLast24h, long joinedLast7d, LocalDateTime newestSignup) {}

    public record Subscriptions(Map<String, Long> byStatus, long endingWithin7Days) {}

    /** {@code hits}/{@code misses} are Redis' lifetime counters (INFO stats), not a rate over time. */
    public record Redis(String version, long keyCount, long usedMemory, long maxMemory, long clients, long hits, long misses, long uptimeSeconds) {}

    public record Postgres(String version, long databaseBytes, int connections, int maxConnections, long liveCollaborations) {}

    private static final int TIMEOUT_SECONDS = 30;
    private final Connections connections;

    public OverviewFigures(Connections connections) {
        this.connections = connections;
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

    public Subscriptions subscriptions(CancelSignal cancel) {
        return connections.database().query("counting subscriptions", TIMEOUT_SECONDS, cancel, st -> {
            Map<String, Long> byStatus = new LinkedHashMap<>();
            try (ResultSet rs = st.executeQuery(
                    "SELECT coalesce(status, '(none)'), count(*) FROM subscriptions GROUP BY 1 ORDER BY 2 DESC")) {
                while (rs.next()) byStatus.put(rs.getString(1), rs.getLong(2));
            }
            return new Subscriptions(byStatus, single(st, "SELECT count(*) FROM subscriptions WHERE status IN ('active', 'trialing', 'past_due') "
                    + "AND current_period_end BETWEEN (now() AT TIME ZONE 'UTC') AND (now() AT TIME ZONE 'UTC') + interval '7 days'"));
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
            Map<String, String> info = parseInfo(c.info());
            long keys = c.dbsize();
            return new Redis(info.getOrDefault("redis_version", "?"), keys, number(info, "used_memory"), number(info, "maxmemory"),
                    number(info, "connected_clients"), number(info, "keyspace_hits"), number(info, "keyspace_misses"),
                    number(info, "uptime_in_seconds"));
        });
    }

    static Map<String, String> parseInfo(String info) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : info.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("#")) m.put(line.substring(0, colon), line.substring(colon + 1).trim());
        }
        return m;
    }

    private static long number(Map<String, String> info, String key) {
        try {
            return Long.parseLong(info.getOrDefault(key, "0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static long single(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
