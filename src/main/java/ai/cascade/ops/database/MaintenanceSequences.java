package ai.cascade.ops.database;

import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.backend.Check;
import ai.cascade.ops.backend.Verdict;
import ai.cascade.ops.config.CheckThresholds;
import ai.cascade.ops.ui.Figures;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static ai.cascade.ops.database.MaintenanceCheck.TIMEOUT_SECONDS;
import static ai.cascade.ops.database.MaintenanceCheck.plural;

/**
 * pghero's sequence_danger: how much of its range each sequence has used, measured against the column it feeds
 * (a SERIAL column is an integer whatever its sequence's type) or, for a sequence feeding no column, its own limit.
 */
final class MaintenanceSequences {
    static final MaintenanceCheck CHECK = new MaintenanceCheck("postgres.sequence_overflow", "Keys near overflow", "checks");
    /** Past this share of the range the next busy day may exhaust it. */
    static final double CRITICAL_PERCENT = 99.0;

    // Columns a sequence feeds: the one that owns it (SERIAL, IDENTITY) and any whose default calls nextval on it.
    private static final String SQL = """
            WITH fed_columns AS (
                SELECT d.objid AS seq_oid, d.refobjid AS table_oid, d.refobjsubid AS attnum
                FROM pg_depend d
                WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i') AND d.refobjsubid > 0
                UNION
                SELECT d.refobjid, ad.adrelid, ad.adnum
                FROM pg_depend d JOIN pg_attrdef ad ON ad.oid = d.objid
                WHERE d.classid = 'pg_attrdef'::regclass AND d.refclassid = 'pg_class'::regclass
            ), measured AS (
                SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS sequence_name, quote_ident(n.nspname) AS schema,
                       has_sequence_privilege(c.oid, 'SELECT,USAGE') AS readable, ps.last_value,
                       s.seqtypid IN ('int2'::regtype, 'int4'::regtype) AS narrow_sequence,
                       t.relname AS table_name, quote_ident(tn.nspname) || '.' || quote_ident(t.relname) AS qualified_table,
                       a.attname AS column_name, quote_ident(a.attname) AS quoted_column, format_type(a.atttypid, a.atttypmod) AS column_type,
                       a.atttypid IN ('int2'::regtype, 'int4'::regtype) AS narrow_column,
                       CASE WHEN s.seqincrement > 0
                            THEN least(s.seqmax, CASE a.atttypid WHEN 'int2'::regtype THEN 32767 WHEN 'int4'::regtype THEN 2147483647 ELSE s.seqmax END)
                            ELSE greatest(s.seqmin, CASE a.atttypid WHEN 'int2'::regtype THEN -32768 WHEN 'int4'::regtype THEN -2147483648 ELSE s.seqmin END)
                       END AS limit_value,
                       (SELECT string_agg(quote_ident(rt.relname) || '.' || quote_ident(ra.attname), ', ' ORDER BY rt.relname, ra.attname)
                        FROM pg_constraint fk
                        JOIN pg_class rt ON rt.oid = fk.conrelid
                        JOIN pg_attribute ra ON ra.attrelid = fk.conrelid AND ra.attnum = fk.conkey[1]
                        WHERE fk.contype = 'f' AND fk.confrelid = f.table_oid AND fk.confkey = ARRAY[f.attnum::smallint]
                          AND ra.atttypid IN ('int2'::regtype, 'int4'::regtype)) AS narrow_references
                FROM pg_sequence s
                JOIN pg_class c ON c.oid = s.seqrelid
                JOIN pg_namespace n ON n.oid = c.relnamespace
                JOIN pg_sequences ps ON ps.schemaname = n.nspname AND ps.sequencename = c.relname
                LEFT JOIN fed_columns f ON f.seq_oid = c.oid
                LEFT JOIN pg_class t ON t.oid = f.table_oid
                LEFT JOIN pg_namespace tn ON tn.oid = t.relnamespace
                LEFT JOIN pg_attribute a ON a.attrelid = f.table_oid AND a.attnum = f.attnum
                WHERE %s
            ), used AS (
                SELECT m.*, 100.0 * last_value / nullif(limit_value, 0) AS percent_used FROM measured m
            )
            SELECT total.measured_count, u.*
            FROM (SELECT count(DISTINCT sequence_name) AS measured_count FROM measured) total
            LEFT JOIN used u ON NOT u.readable OR u.percent_used >= ?
            ORDER BY u.percent_used DESC NULLS LAST, u.sequence_name""".formatted(MaintenanceCheck.USER_SCHEMAS);

    private final CheckThresholds thresholds;

    MaintenanceSequences(CheckThresholds thresholds) {
        this.thresholds = thresholds;
    }

    /** Sequences past {@code sequenceDangerPercent} of their column's range: WARNING, CRITICAL past 99 %. */
    Check run(Database db, CancelSignal cancel) {
        int danger = thresholds.sequenceDangerPercent();
        return db.prepared("checking keys near overflow", TIMEOUT_SECONDS, cancel, SQL, st -> {
            st.setInt(1, danger);
            List<String> details = new ArrayList<>();
            Set<String> unreadable = new LinkedHashSet<>();
            Set<String> unreadableSchemas = new TreeSet<>();
            String advice = "";
            double worst = 0;
            long measured = 0;
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    measured = rs.getLong("measured_count");
                    if (rs.getString("sequence_name") == null) continue;
                    if (!rs.getBoolean("readable")) {
                        unreadable.add(rs.getString("sequence_name"));
                        unreadableSchemas.add(rs.getString("schema"));
                        continue;
                    }
                    worst = Math.max(worst, rs.getDouble("percent_used"));
                    details.add(describe(rs));
                    if (advice.isEmpty()) advice = widen(rs);
                }
            }
            String grant = unreadable.isEmpty() ? "" : "; " + plural(unreadable.size(), "sequence", "sequences")
                    + " could not be read by this login (" + String.join(", ", unreadable.stream().limit(3).toList())
                    + (unreadable.size() > 3 ? ", …" : "") + ")";
            String grantAdvice = "Let the monitoring role read sequences (their values only): GRANT SELECT ON ALL SEQUENCES IN SCHEMA "
                    + String.join(", ", unreadableSchemas) + " TO cascade_ops_monitoring;";
            if (details.isEmpty()) {
                String figure = "no key past " + danger + " % of its type's range among " + plural(measured - unreadable.size(), "sequence", "sequences");
                return unreadable.isEmpty() ? CHECK.ok(figure) : CHECK.answer(Verdict.UNKNOWN, figure + grant, grantAdvice, List.of());
            }
            Verdict verdict = worst >= CRITICAL_PERCENT ? Verdict.CRITICAL : Verdict.WARNING;
            return CHECK.answer(verdict, plural(details.size(), "key is", "keys are") + " past " + danger + " % of the range "
                    + "(worst " + String.format("%.1f %%", worst) + ")" + grant, advice, details);
        });
    }

    private static String describe(ResultSet rs) throws SQLException {
        String used = Figures.percent(Math.abs(rs.getLong("last_value")), Math.abs(rs.getLong("limit_value")));
        String of = Figures.count(rs.getLong("last_value")) + " of " + Figures.count(rs.getLong("limit_value")) + ", " + used + " used";
        if (rs.getString("column_name") == null) return "sequence " + rs.getString("sequence_name") + " (feeds no column): " + of;
        return rs.getString("table_name") + "." + rs.getString("column_name") + " (" + rs.getString("column_type")
                + ", sequence " + rs.getString("sequence_name") + "): " + of;
    }

    /** The statements that give the key room: widen the column (and what references it) and the sequence's own type. */
    private static String widen(ResultSet rs) throws SQLException {
        String sequence = rs.getString("sequence_name");
        String widenSequence = rs.getBoolean("narrow_sequence") ? " ALTER SEQUENCE " + sequence + " AS bigint;" : "";
        if (rs.getString("column_name") == null || !rs.getBoolean("narrow_column")) {
            return widenSequence.isEmpty() ? "Raise the sequence's limit: ALTER SEQUENCE " + sequence + " NO MAXVALUE;"
                    : "Widen the sequence:" + widenSequence;
        }
        String references = rs.getString("narrow_references");
        return "Widen the key before it runs out: ALTER TABLE " + rs.getString("qualified_table") + " ALTER COLUMN "
                + rs.getString("quoted_column") + " TYPE bigint;" + widenSequence
                + (references == null ? "" : " Widen the columns that reference it too (" + references + ").")
                + " Changing the type rewrites the table under an exclusive lock: plan a maintenance window.";
    }
}
