package ai.cascade.ops.database;

import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.backend.Check;
import ai.cascade.ops.backend.Verdict;
import ai.cascade.ops.config.CheckThresholds;
import ai.cascade.ops.ui.Figures;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import static ai.cascade.ops.database.MaintenanceCheck.TIMEOUT_SECONDS;
import static ai.cascade.ops.database.MaintenanceCheck.plural;

/**
 * Vacuum and analyze status: tables with many dead rows (and when they were last vacuumed), tables with rows the
 * planner has never analyzed, and autovacuum turned off for the server or for a table.
 */
final class MaintenanceVacuum {
    static final MaintenanceCheck CHECK = new MaintenanceCheck("postgres.vacuum", "Vacuum and analyze", "checks");

    // A boolean reloption is stored as written: any spelling Postgres reads as false (a unique prefix of false/off/no, or 0).
    private static final String AUTOVACUUM_OFF = "'^autovacuum_enabled=(f|fa|fal|fals|false|n|no|of|off|0)$'";

    private static final String SQL = """
            WITH settings AS (
                SELECT current_setting('autovacuum') AS autovacuum, current_setting('track_counts') AS track_counts
            )
            SELECT st.autovacuum, st.track_counts, t.*
            FROM settings st
            LEFT JOIN (
                SELECT quote_ident(s.schemaname) || '.' || quote_ident(s.relname) AS qualified,
                       s.n_live_tup AS live, s.n_dead_tup AS dead,
                       extract(epoch FROM now() - greatest(s.last_vacuum, s.last_autovacuum))::bigint AS vacuum_age,
                       s.last_autovacuum IS NOT NULL AND s.last_autovacuum >= coalesce(s.last_vacuum, '-infinity') AS by_autovacuum,
                       s.n_dead_tup >= ? AND s.n_dead_tup * 100 >= ? * s.n_live_tup AS needs_vacuum,
                       -- below autovacuum's own analyze threshold a table is left unanalyzed by design
                       s.last_analyze IS NULL AND s.last_autoanalyze IS NULL
                           AND s.n_live_tup > current_setting('autovacuum_analyze_threshold')::bigint AS never_analyzed,
                       EXISTS (SELECT FROM unnest(c.reloptions) o WHERE o ~* %s) AS autovacuum_off
                FROM pg_stat_user_tables s
                JOIN pg_class c ON c.oid = s.relid
            ) t ON t.needs_vacuum OR t.never_analyzed OR t.autovacuum_off
            ORDER BY t.dead DESC, t.qualified""".formatted(AUTOVACUUM_OFF);

    private final CheckThresholds thresholds;

    MaintenanceVacuum(CheckThresholds thresholds) {
        this.thresholds = thresholds;
    }

    Check run(Database db, CancelSignal cancel) {
        return db.prepared("checking vacuum and analyze", TIMEOUT_SECONDS, cancel, SQL, st -> {
            st.setLong(1, thresholds.deadTupleMinRows());
            st.setInt(2, thresholds.deadTuplePercent());
            Findings f = new Findings();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) f.add(rs);
            }
            return f.verdict();
        });
    }

    /** What the rows say, in the order a person should act on it: the server setting first, then each table. */
    private final class Findings {
        private boolean settingsRead;
        private final List<String> details = new ArrayList<>();
        private final List<String> advice = new ArrayList<>();
        private int serverWide;
        private int needVacuum;
        private int neverAnalyzed;
        private int autovacuumOff;

        void add(ResultSet rs) throws SQLException {
            if (!settingsRead) readSettings(rs);
            String table = rs.getString("qualified");
            if (table == null) return;
            if (rs.getBoolean("needs_vacuum")) {
                needVacuum++;
                long age = rs.getLong("vacuum_age");
                String last = rs.wasNull() ? "never vacuumed"
                        : "last vacuumed " + Figures.duration(age) + " ago" + (rs.getBoolean("by_autovacuum") ? " by autovacuum" : "");
                details.add(table + ": " + plural(rs.getLong("dead"), "dead row", "dead rows") + " to "
                        + plural(rs.getLong("live"), "live row", "live rows") + ", " + last + " — VACUUM (ANALYZE) " + table + ";");
                advise("VACUUM (ANALYZE) " + table + "; if autovacuum keeps falling behind, look for long transactions (Activity tab)");
            }
            if (rs.getBoolean("never_analyzed")) {
                neverAnalyzed++;
                details.add(table + ": never analyzed, the planner guesses its " + plural(rs.getLong("live"), "row", "rows")
                        + " — ANALYZE " + table + ";");
                advise("ANALYZE " + table + ";");
            }
            if (rs.getBoolean("autovacuum_off")) {
                autovacuumOff++;
                details.add(table + ": autovacuum is turned off for this table — ALTER TABLE " + table + " RESET (autovacuum_enabled);");
                advise("Turn autovacuum back on: ALTER TABLE " + table + " RESET (autovacuum_enabled);");
            }
        }

        private void readSettings(ResultSet rs) throws SQLException {
            settingsRead = true;
            if (!"on".equals(rs.getString("autovacuum"))) {
                serverWide++;
                details.add("autovacuum is off for the whole server — ALTER SYSTEM SET autovacuum = on; SELECT pg_reload_conf();");
                advice.add("Turn autovacuum on: ALTER SYSTEM SET autovacuum = on; SELECT pg_reload_conf();");
            }
            if (!"on".equals(rs.getString("track_counts"))) {
                serverWide++;
                details.add("track_counts is off: autovacuum cannot see which tables need it and these figures stay empty"
                        + " — ALTER SYSTEM SET track_counts = on; SELECT pg_reload_conf();");
                advice.add("Turn track_counts on: ALTER SYSTEM SET track_counts = on; SELECT pg_reload_conf();");
            }
        }

        private void advise(String line) {
            if (advice.isEmpty()) advice.add(line);
        }

        Check verdict() {
            if (details.isEmpty()) return CHECK.ok("autovacuum is on; no table has " + Figures.count(thresholds.deadTupleMinRows())
                    + "+ dead rows over " + thresholds.deadTuplePercent() + " % of its live ones or still waits for a first analyze");
            List<String> parts = new ArrayList<>();
            if (serverWide > 0) parts.add("autovacuum or statistics off for the server");
            if (needVacuum > 0) parts.add(plural(needVacuum, "table needs", "tables need") + " vacuum");
            if (neverAnalyzed > 0) parts.add(plural(neverAnalyzed, "table was", "tables were") + " never analyzed");
            if (autovacuumOff > 0) parts.add("autovacuum off for " + plural(autovacuumOff, "table", "tables"));
            return CHECK.answer(Verdict.WARNING, String.join(", ", parts), advice.get(0), details);
        }
    }
}
