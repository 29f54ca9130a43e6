package ai.cascade.ops.database;

import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.backend.Connections;

import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Connections seen from both ends: the console's own HikariCP pool (busy, idle, waiting, how long a borrow takes)
 * and the server's client connections by application name, by login and by state against max_connections.
 */
public final class PoolReport {
    /** The console's pool right now; no I/O. */
    public record AppPool(Database.PoolFigures figures, Database.AcquireFigures acquire) {}

    /** Connections of one application or one login, by state; {@code hidden} have no state visible to this login. */
    public record Usage(String name, int total, int active, int idle, int idleInTransaction, int other, int hidden) {}

    /**
     * The server's client connections. {@code reserved} are kept for superusers, so ordinary logins run out at
     * {@code maxConnections - reserved}. {@code byState} counts visible states; {@code hiddenStates} the connections whose
     * state this login may not see.
     */
    public record ServerUsage(int maxConnections, int reserved, int clientConnections, List<Usage> byApplication,
                              List<Usage> byUser, Map<String, Integer> byState, int hiddenStates) {}

    public record Report(AppPool pool, ServerUsage server) {}

    private final Connections connections;

    public PoolReport(Connections connections) {
        this.connections = connections;
    }

    public AppPool pool() {
        Database db = connections.database();
        return new AppPool(db.poolFigures(), db.acquireFigures());
    }

    /** Both ends; the pool's figures are read after the server's, so they include this report's own connection as returned. */
    public Report read(CancelSignal cancel) {
        ServerUsage server = serverUsage(cancel);
        return new Report(pool(), server);
    }

    /** Client connections from pg_stat_activity, grouped on the server so thousands of sessions stay a few rows. */
    public ServerUsage serverUsage(CancelSignal cancel) {
        return connections.database().query("reading connection usage", 10, cancel, st -> {
            int max, reserved;
            try (ResultSet rs = st.executeQuery("SELECT current_setting('max_connections')::int, current_setting('superuser_reserved_connections')::int")) {
                rs.next();
                max = rs.getInt(1);
                reserved = rs.getInt(2);
            }
            Map<String, int[]> apps = new LinkedHashMap<>(), users = new LinkedHashMap<>();
            Map<String, Integer> states = new LinkedHashMap<>();
            int total = 0, hidden = 0;
            // Without pg_read_all_stats other logins' sessions show no backend_type or state: count them as clients.
            try (ResultSet rs = st.executeQuery("SELECT coalesce(application_name, ''), coalesce(usename::text, ''), state, count(*) "
                    + "FROM pg_stat_activity WHERE backend_type = 'client backend' OR (backend_type IS NULL AND usesysid IS NOT NULL) "
                    + "GROUP BY 1, 2, 3")) {
                while (rs.next()) {
                    String state = rs.getString(3);
                    int n = rs.getInt(4);
                    int column = column(state);
                    add(apps, rs.getString(1).isEmpty() ? "(no application name)" : rs.getString(1), column, n);
                    add(users, rs.getString(2).isEmpty() ? "(unknown login)" : rs.getString(2), column, n);
                    if (state != null) states.merge(state, n, Integer::sum);
                    total += n;
                    if (state == null) hidden += n;
                }
            }
            return new ServerUsage(max, reserved, total, usages(apps), usages(users), states, hidden);
        });
    }

    /** Index into the per-name counters: 0 total, 1 active, 2 idle, 3 idle in transaction, 4 other, 5 hidden. */
    private static int column(String state) {
        if (state == null) return 5;
        return switch (state) {
            case "active" -> 1;
            case "idle" -> 2;
            case "idle in transaction", "idle in transaction (aborted)" -> 3;
            default -> 4;
        };
    }

    private static void add(Map<String, int[]> into, String name, int column, int n) {
        int[] c = into.computeIfAbsent(name, k -> new int[6]);
        c[0] += n;
        c[column] += n;
    }

    private static List<Usage> usages(Map<String, int[]> counts) {
        List<Usage> out = new ArrayList<>();
        counts.forEach((name, c) -> out.add(new Usage(name, c[0], c[1], c[2], c[3], c[4], c[5])));
        out.sort(Comparator.comparingInt(Usage::total).reversed().thenComparing(Usage::name));
        return List.copyOf(out);
    }
}
