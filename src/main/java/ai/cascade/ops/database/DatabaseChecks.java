package ai.cascade.ops.database;

import ai.cascade.ops.backend.Backend;
import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.backend.Check;
import ai.cascade.ops.backend.Connections;
import ai.cascade.ops.backend.Verdict;
import ai.cascade.ops.config.CheckThresholds;

import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/**
 * pghero's checks of one Postgres database: what is happening now (connections, long, idle-in-transaction and
 * blocked queries, cache hit rate, wraparound, replication) and what needs maintenance (unused, duplicate and
 * missing indexes, bloat, vacuum, keys near overflow).
 */
public final class DatabaseChecks {
    private final Connections connections;
    private final CheckThresholds thresholds;

    /** Maintenance findings change over hours: a watch every 30 s reuses them this long (ZERO: never). */
    private final java.time.Duration maintenanceEvery;
    private volatile List<Check> lastMaintenance;
    private volatile long lastMaintenanceAtNanos;

    public DatabaseChecks(Connections connections, CheckThresholds thresholds) {
        this(connections, thresholds, java.time.Duration.ZERO);
    }

    /** {@code maintenanceEvery}: how long later runs of this instance reuse the catalog-heavy maintenance checks. */
    public DatabaseChecks(Connections connections, CheckThresholds thresholds, java.time.Duration maintenanceEvery) {
        this.connections = connections;
        this.thresholds = thresholds;
        this.maintenanceEvery = maintenanceEvery;
    }

    /**
     * Every check, each answered on its own (a missing privilege makes that one UNKNOWN, not the rest fail).
     * Throws {@link ai.cascade.ops.backend.BackendException} only when Postgres cannot be reached at all.
     */
    public List<Check> run(CancelSignal cancel) {
        Database db = connections.database();
        // One cheap round trip first: an unreachable server is one answer, not a dozen timeouts.
        String server = db.query("checking the connection", 5, cancel, st -> {
            try (ResultSet rs = st.executeQuery("SELECT current_setting('server_version')")) {
                rs.next();
                return rs.getString(1);
            }
        });
        List<Check> out = new ArrayList<>();
        out.add(Check.of(Backend.POSTGRES, "postgres.reachable", "Postgres reachable", Verdict.OK, "PostgreSQL " + server, "", "checks"));
        out.addAll(new LiveChecks(thresholds).run(db, cancel));
        out.addAll(maintenance(db, cancel));
        return out;
    }

    private List<Check> maintenance(Database db, CancelSignal cancel) {
        List<Check> last = lastMaintenance;
        if (last != null && System.nanoTime() - lastMaintenanceAtNanos < maintenanceEvery.toNanos()) return last;
        List<Check> fresh = new MaintenanceChecks(thresholds).run(db, cancel);
        lastMaintenance = fresh;
        lastMaintenanceAtNanos = System.nanoTime();
        return fresh;
    }

    /**
     * Runs one check; its own failure (a missing privilege, its time limit) becomes UNKNOWN with the reason. A
     * cancelled run and a lost server are thrown instead: one answer for the whole run, not one per check.
     */
    static Check answered(String id, String title, String section, CancelSignal cancel, java.util.function.Supplier<Check> check) {
        try {
            return check.get();
        } catch (ai.cascade.ops.backend.BackendException e) {
            if (cancel.isCancelled()) throw new java.util.concurrent.CancellationException(title + ": cancelled");
            if (lostConnection(e)) throw e;
            return Check.of(Backend.POSTGRES, id, title, Verdict.UNKNOWN, "could not tell", e.getMessage(), section);
        }
    }

    /** The connection broke or none could be had (SQL state class 08, a server shutting down, the pool's timeout). */
    static boolean lostConnection(ai.cascade.ops.backend.BackendException e) {
        for (Throwable t = e.getCause(); t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.sql.SQLTransientConnectionException || t instanceof java.sql.SQLNonTransientConnectionException) return true;
            if (t instanceof java.sql.SQLException s && s.getSQLState() != null
                    && (s.getSQLState().startsWith("08") || s.getSQLState().startsWith("57P"))) return true;
        }
        return false;
    }
}
