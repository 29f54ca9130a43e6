package ai.cascade.ops.database;

import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.backend.Check;
import ai.cascade.ops.backend.Verdict;
import ai.cascade.ops.config.CheckThresholds;
import ai.cascade.ops.ui.Figures;

import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

import static ai.cascade.ops.database.MaintenanceCheck.TIMEOUT_SECONDS;
import static ai.cascade.ops.database.MaintenanceCheck.plural;

/** pghero's index checks: indexes nothing uses, indexes another one covers, tables read by sequential scans. */
final class IndexChecks {
    static final MaintenanceCheck UNUSED = new MaintenanceCheck("postgres.unused_indexes", "Unused indexes", "space");
    static final MaintenanceCheck DUPLICATE = new MaintenanceCheck("postgres.duplicate_indexes", "Duplicate indexes", "checks");
    static final MaintenanceCheck MISSING = new MaintenanceCheck("postgres.missing_indexes", "Missing indexes", "statements");

    // pghero's unused_indexes, without indexes that back a constraint (an exclusion constraint's is not unique).
    private static final String UNUSED_SQL = "WITH window_ AS (" + MaintenanceCheck.STATISTICS_WINDOW + """
            )
            SELECT w.stats_reset, w.reset_age, u.*
            FROM window_ w
            LEFT JOIN (
                SELECT s.schemaname AS schema, s.relname AS table_name, s.indexrelname AS index_name,
                       quote_ident(s.schemaname) || '.' || quote_ident(s.indexrelname) AS qualified,
                       s.idx_scan AS scans, pg_relation_size(s.indexrelid) AS bytes
                FROM pg_stat_user_indexes s
                JOIN pg_index i ON i.indexrelid = s.indexrelid
                WHERE NOT i.indisunique AND NOT i.indisprimary
                  AND NOT EXISTS (SELECT FROM pg_constraint c WHERE c.conindid = i.indexrelid)
                  AND s.idx_scan <= ?
            ) u ON true
            ORDER BY u.bytes DESC, u.table_name, u.index_name""";

    // pghero's missing_indexes, with the rows sequential scans read (their cost) and tables without any index.
    private static final String MISSING_SQL = "WITH window_ AS (" + MaintenanceCheck.STATISTICS_WINDOW + """
            )
            SELECT w.stats_reset, w.reset_age, t.*
            FROM window_ w
            LEFT JOIN (
                SELECT schemaname || '.' || relname AS table_name, n_live_tup AS live_rows, seq_scan, seq_tup_read,
                       coalesce(idx_scan, 0) AS idx_scan, idx_scan IS NULL AS no_index
                FROM pg_stat_user_tables
                WHERE n_live_tup >= ? AND seq_scan > 0 AND seq_scan + coalesce(idx_scan, 0) >= ?
                  AND 100.0 * coalesce(idx_scan, 0) / (seq_scan + coalesce(idx_scan, 0)) < ?
            ) t ON true
            ORDER BY t.seq_tup_read DESC, t.table_name""";

    private final CheckThresholds thresholds;

    IndexChecks(CheckThresholds thresholds) {
        this.thresholds = thresholds;
    }

    /** Non-unique indexes scanned at most {@code unusedIndexMaxScans} times since statistics were reset, largest first. */
    Check unused(Database db, CancelSignal cancel) {
        return db.prepared("looking for unused indexes", TIMEOUT_SECONDS, cancel, UNUSED_SQL, st -> {
            st.setLong(1, thresholds.unusedIndexMaxScans());
            String window = "";
            long total = 0;
            List<String> details = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    window = MaintenanceCheck.statisticsWindow(rs);
                    if (rs.getString("index_name") == null) continue;
                    long bytes = rs.getLong("bytes");
                    total += bytes;
                    details.add(rs.getString("schema") + "." + rs.getString("index_name") + " on " + rs.getString("table_name")
                            + ": " + Figures.bytes(bytes) + ", " + plural(rs.getLong("scans"), "scan", "scans")
                            + " — DROP INDEX CONCURRENTLY " + rs.getString("qualified") + ";");
                }
            }
            String scans = "scanned at most " + plural(thresholds.unusedIndexMaxScans(), "time", "times") + " " + window;
            if (details.isEmpty()) return UNUSED.ok("no index " + scans);
            String first = details.get(0);
            return UNUSED.answer(Verdict.WARNING, plural(details.size(), "index", "indexes") + " (" + Figures.bytes(total) + ") " + scans,
                    "Each slows every write and takes space; if no replica or rare job needs it, drop it: "
                            + first.substring(first.indexOf("DROP INDEX")), details);
        });
    }

    /** Indexes whose columns another index on the same table already leads with (pghero's duplicate_indexes). */
    Check duplicates(Database db, CancelSignal cancel) {
        List<IndexDuplicates.Covered> found = db.query("looking for duplicate indexes", TIMEOUT_SECONDS, cancel,
                st -> IndexDuplicates.find(IndexDuplicates.read(st)));
        if (found.isEmpty()) return DUPLICATE.ok("no index is covered by another");
        long bytes = found.stream().mapToLong(c -> c.unneeded().bytes()).sum();
        List<String> details = found.stream().map(IndexDuplicates.Covered::describe).toList();
        return DUPLICATE.answer(Verdict.WARNING, plural(found.size(), "index is", "indexes are") + " covered by another ("
                        + Figures.bytes(bytes) + ")",
                "The covering index serves the same queries; drop the covered one: " + found.get(0).dropStatement(), details);
    }

    /** Large tables whose scans use an index less than {@code missingIndexUsePercent} of the time (pghero's missing_indexes). */
    Check missing(Database db, CancelSignal cancel) {
        int usePercent = thresholds.missingIndexUsePercent();
        // Fewer scans than this say nothing: a single sequential scan alone would put the index share under the line.
        long minScans = (long) Math.ceil(100.0 / Math.max(1, 100 - usePercent));
        return db.prepared("looking for missing indexes", TIMEOUT_SECONDS, cancel, MISSING_SQL, st -> {
            st.setLong(1, thresholds.missingIndexMinRows());
            st.setLong(2, minScans);
            st.setInt(3, usePercent);
            String window = "";
            List<String> details = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    window = MaintenanceCheck.statisticsWindow(rs);
                    if (rs.getString("table_name") == null) continue;
                    long seq = rs.getLong("seq_scan");
                    long idx = rs.getLong("idx_scan");
                    details.add(rs.getString("table_name") + ": ~" + plural(rs.getLong("live_rows"), "row", "rows") + ", "
                            + plural(seq, "sequential scan", "sequential scans") + " read " + plural(rs.getLong("seq_tup_read"), "row", "rows")
                            + (rs.getBoolean("no_index") ? "; the table has no index" : "; an index served " + Figures.percent(idx, seq + idx) + " of scans"));
                }
            }
            String what = " over " + Figures.count(thresholds.missingIndexMinRows()) + " rows whose scans use an index under "
                    + usePercent + " % of the time, " + window;
            if (details.isEmpty()) return MISSING.ok("no table" + what);
            return MISSING.answer(Verdict.WARNING, plural(details.size(), "table", "tables") + what,
                    "Find the statements that read these tables (Statements tab) and index the columns they filter on "
                            + "(CREATE INDEX CONCURRENTLY … ON table (column);)", details);
        });
    }
}
