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

    public DatabaseChecks(Connections connections, CheckThresholds thresholds) {
        this.connections = connections;
        this.thresholds = thresholds;
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
        out.addAll(new MaintenanceChecks(thresholds).run(db, cancel));
        return out;
    }
}
